"""Amazon SQS-compatible queues, so that boto3's ``sqs`` client can consume what rules deliver.

``SqsService`` (``eventbus.sqs.service``) holds the rules and offers ``send_to_arn`` to the
event bus (queue targets, dead-letter queues); ``eventbus.sqs.handlers.sqs_json_service`` is
the AmazonSQS door of the app (AWS JSON 1.0). Only the service is imported here: the
handlers import the app's protocol layer, which must not load with ``eventbus.services``.
"""

from __future__ import annotations

from eventbus.sqs.service import SqsService

__all__ = ["SqsService"]
