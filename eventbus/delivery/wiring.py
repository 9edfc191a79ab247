"""The routing and delivery workers of a process, with their target adapters, and the
workers that archive, replay and schedule events onto bus logs."""

from __future__ import annotations

from eventbus.delivery.archiver import Archiver
from eventbus.delivery.bus_target import BUS_ARN_PATTERN, BusTarget
from eventbus.delivery.dispatch import TargetDispatcher
from eventbus.delivery.queue_target import QUEUE_ARN_PATTERN, QueueTarget
from eventbus.delivery.replayer import Replayer
from eventbus.delivery.router import Router
from eventbus.delivery.scheduler import Scheduler
from eventbus.delivery.targets.api_destination import (
    API_DESTINATION_ARN_PATTERN,
    ApiDestinationTarget,
)
from eventbus.delivery.worker import Backoff, DeliveryWorker
from eventbus.services import Services
from eventbus.workers import Worker


def delivery_workers(services: Services) -> list[Worker]:
    store = services.ctx.store
    settings = services.ctx.settings
    dispatcher = TargetDispatcher()
    dispatcher.register(BUS_ARN_PATTERN, BusTarget(store, services.buses).deliver)
    http = ApiDestinationTarget(services.api_destinations, services.connections)
    dispatcher.register(API_DESTINATION_ARN_PATTERN, http.deliver)
    queues = QueueTarget(services.sqs)
    dispatcher.register(QUEUE_ARN_PATTERN, queues.deliver)

    backoff = Backoff(settings.retry_base_seconds, settings.retry_max_delay_seconds)
    return [
        Router(
            store, services.rules, services.ctx.changes, claim_after=settings.claim_after_seconds
        ),
        DeliveryWorker(
            store,
            dispatcher.deliver,
            queues.dead_letter,
            backoff=backoff,
            visibility=settings.delivery_visibility_seconds,
            on_stop=http.close,
        ),
        Archiver(services.ctx, services.archives),
        Replayer(services.ctx, services.replays),
        Scheduler(services.ctx, services.rules),
    ]
