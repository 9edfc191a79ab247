"""Delivery workers: take deliveries from the durable queue and hand them to targets.

A delivery stays in the queue, invisible, while it is being attempted; it is deleted only
once the target accepted it or it was dead-lettered. A worker that dies mid-delivery
leaves it to reappear after the visibility timeout (at-least-once). Retries are the same
message made visible again after a backoff, so they live in the store and survive
restarts; the message's receive count is the attempt number.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from eventbus.delivery.model import Delivery, DeliveryFailed
from eventbus.delivery.router import DELIVERIES_QUEUE
from eventbus.metrics import (
    DEAD_LETTER_INVOCATIONS,
    DROPPED_EVENTS,
    FAILED_INVOCATIONS,
    INGESTION_TO_INVOCATION,
    INVOCATIONS,
    RETRY_INVOCATION_ATTEMPTS,
)
from eventbus.store import QueueMessage, Store

log = logging.getLogger(__name__)

#: Deliveries attempted at once by one worker.
DEFAULT_CONCURRENCY = 32
#: AWS's defaults for a target's RetryPolicy.
DEFAULT_MAX_RETRIES = 185
DEFAULT_MAX_AGE_S = 86_400

#: Sends one delivery to its target; raises DeliveryFailed.
Deliver = Callable[[Delivery], Awaitable[None]]
#: Puts a failed delivery on its dead-letter queue (queue ARN, body, attributes).
DeadLetter = Callable[[str, str, dict[str, str]], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Backoff:
    """Exponential backoff with full jitter: attempt n waits up to base * 2**(n-1), capped."""

    base_s: float = 1.0
    cap_s: float = 300.0

    def delay(self, attempt: int) -> float:
        return random.uniform(0, min(self.cap_s, self.base_s * 2 ** min(attempt - 1, 30)))


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    max_retries: int
    max_age_s: float

    @classmethod
    def of(cls, delivery: Delivery) -> RetryPolicy:
        spec = delivery.target.get("RetryPolicy") or {}
        return cls(
            max_retries=spec.get("MaximumRetryAttempts", DEFAULT_MAX_RETRIES),
            max_age_s=spec.get("MaximumEventAgeInSeconds", DEFAULT_MAX_AGE_S),
        )


class DeliveryWorker:
    name = "delivery"

    def __init__(
        self,
        store: Store,
        deliver: Deliver,
        dead_letter: DeadLetter,
        *,
        concurrency: int = DEFAULT_CONCURRENCY,
        backoff: Backoff | None = None,
        visibility: float = 60.0,
        on_stop: Callable[[], Awaitable[None]] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._store = store
        self._deliver = deliver
        self._dead_letter = dead_letter
        self._slots = asyncio.Semaphore(concurrency)
        self._concurrency = concurrency
        self._backoff = backoff or Backoff()
        # How long an attempt may take before the delivery is handed out again.
        self._visibility = visibility
        # Releases what the target adapters hold (HTTP connection pools).
        self._on_stop = on_stop
        self._clock = clock

    async def run(self, stop: asyncio.Event) -> None:
        running: set[asyncio.Task[None]] = set()
        try:
            while not stop.is_set():
                free = self._concurrency - len(running)
                if free <= 0:
                    await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
                    continue
                messages = await self._store.receive(
                    DELIVERIES_QUEUE,
                    max_messages=min(free, 10),
                    visibility=self._visibility,
                    wait=0.5,
                )
                for message in messages:
                    task = asyncio.create_task(self._attempt(message))
                    running.add(task)
                    task.add_done_callback(running.discard)
        finally:
            # Let attempts in flight finish; what does not finish reappears later anyway.
            if running:
                await asyncio.wait(running, timeout=10)
            if self._on_stop is not None:
                await self._on_stop()

    async def _attempt(self, message: QueueMessage) -> None:
        try:
            delivery = Delivery.decode(message.data)
        except ValueError:
            log.error("unreadable delivery %s dropped", message.id)
            await self._store.delete_message(DELIVERIES_QUEUE, message.receipt)
            return
        labels = (delivery.bus, delivery.rule_name, delivery.target_id)
        policy = RetryPolicy.of(delivery)
        attempt = message.receive_count
        if attempt > 1:
            RETRY_INVOCATION_ATTEMPTS.labels(*labels).inc()
        age = self._clock() - delivery.ingested
        if age > policy.max_age_s:
            failure = DeliveryFailed(
                "MAXIMUM_EVENT_AGE_EXCEEDED",
                "The event is older than MaximumEventAgeInSeconds.",
                retryable=False,
            )
            await self._give_up(message, delivery, failure, attempt, "MaximumEventAgeInSeconds")
            return
        try:
            await self._deliver(delivery)
        except DeliveryFailed as failure:
            if failure.retryable and attempt <= policy.max_retries:
                delay = self._backoff.delay(attempt)
                if age + delay <= policy.max_age_s:
                    await self._store.change_visibility(DELIVERIES_QUEUE, message.receipt, delay)
                    return
                condition = "MaximumEventAgeInSeconds"
            else:
                condition = "MaximumRetryAttempts" if failure.retryable else "NotRetryable"
            await self._give_up(message, delivery, failure, attempt, condition)
            return
        except Exception as error:
            # A bug in an adapter: retry like a transient failure rather than lose the event.
            log.exception(
                "delivery %s to %s crashed", delivery.idempotency_key, delivery.target_arn
            )
            await self._store.change_visibility(
                DELIVERIES_QUEUE, message.receipt, self._backoff.delay(attempt)
            )
            del error
            return
        INVOCATIONS.labels(*labels).inc()
        INGESTION_TO_INVOCATION.labels(delivery.bus).observe(
            max(0.0, self._clock() - delivery.ingested)
        )
        await self._store.delete_message(DELIVERIES_QUEUE, message.receipt)

    async def _give_up(
        self,
        message: QueueMessage,
        delivery: Delivery,
        failure: DeliveryFailed,
        attempt: int,
        condition: str,
    ) -> None:
        labels = (delivery.bus, delivery.rule_name, delivery.target_id)
        FAILED_INVOCATIONS.labels(*labels).inc()
        dead_letter_arn = (delivery.target.get("DeadLetterConfig") or {}).get("Arn")
        if dead_letter_arn:
            attributes = {
                "RULE_ARN": delivery.rule_arn,
                "TARGET_ARN": delivery.target_arn,
                "ERROR_CODE": failure.code,
                "ERROR_MESSAGE": failure.message,
                "EXHAUSTED_RETRY_CONDITION": condition,
                "RETRY_ATTEMPTS": str(max(0, attempt - 1)),
            }
            try:
                await self._dead_letter(dead_letter_arn, delivery.event, attributes)
            except Exception as error:
                # The dead-letter queue is gone or failing: keep the delivery and try later.
                log.error(
                    "dead-letter queue %s refused %s: %s",
                    dead_letter_arn,
                    delivery.idempotency_key,
                    error,
                )
                await self._store.change_visibility(
                    DELIVERIES_QUEUE, message.receipt, self._backoff.delay(attempt)
                )
                return
            DEAD_LETTER_INVOCATIONS.labels(*labels).inc()
        else:
            DROPPED_EVENTS.labels(*labels).inc()
            log.warning(
                "event %s to %s dropped after %d attempt(s): %s %s",
                delivery.event_id,
                delivery.target_arn,
                attempt,
                failure.code,
                failure.message,
            )
        await self._store.delete_message(DELIVERIES_QUEUE, message.receipt)
