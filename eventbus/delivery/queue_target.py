"""SQS queue targets and dead-letter queues, on the built-in SQS-compatible queues."""

from __future__ import annotations

from eventbus.delivery.model import Delivery, DeliveryFailed
from eventbus.sqs import SqsService
from eventbus.sqs.errors import QueueDoesNotExist, SqsError

QUEUE_ARN_PATTERN = r"arn:aws[\w-]*:sqs:[a-z0-9-]+:\d{12}:[\w-]+(\.fifo)?"


class QueueTarget:
    def __init__(self, sqs: SqsService) -> None:
        self._sqs = sqs

    async def deliver(self, delivery: Delivery) -> None:
        try:
            await self._sqs.send_to_arn(delivery.target_arn, delivery.body)
        except QueueDoesNotExist:
            raise DeliveryFailed(
                "RESOURCE_NOT_FOUND",
                f"Queue {delivery.target_arn} does not exist.",
                retryable=False,
            ) from None
        except SqsError as error:
            raise DeliveryFailed("SDK_CLIENT_ERROR", error.message, retryable=False) from None

    async def dead_letter(self, queue_arn: str, body: str, attributes: dict[str, str]) -> None:
        """Put a failed event on its dead-letter queue with EventBridge's attributes."""
        await self._sqs.send_to_arn(
            queue_arn,
            body,
            {
                name: {"DataType": "String", "StringValue": value}
                for name, value in attributes.items()
            },
        )
