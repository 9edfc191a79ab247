"""Chooses the adapter for a delivery's target by the shape of the target's ARN."""

from __future__ import annotations

import re

from eventbus.delivery.model import Delivery, DeliveryFailed
from eventbus.delivery.worker import Deliver


class TargetDispatcher:
    def __init__(self) -> None:
        self._adapters: list[tuple[re.Pattern[str], Deliver]] = []

    def register(self, arn_pattern: str, deliver: Deliver) -> None:
        self._adapters.append((re.compile(arn_pattern), deliver))

    async def deliver(self, delivery: Delivery) -> None:
        for pattern, deliver in self._adapters:
            if pattern.fullmatch(delivery.target_arn):
                await deliver(delivery)
                return
        raise DeliveryFailed(
            "UNSUPPORTED_TARGET",
            f"Targets like {delivery.target_arn} are not supported by this service; supported: "
            "API destinations, event buses and SQS queues.",
            retryable=False,
        )
