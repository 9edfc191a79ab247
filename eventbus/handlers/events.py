"""PutEvents, PutPartnerEvents and TestEventPattern."""

from __future__ import annotations

import orjson

from eventbus.errors import ValidationError
from eventbus.handlers.wire import Wire, compact
from eventbus.ingest import EntryResult
from eventbus.patterns import compile_pattern, matches
from eventbus.protocol.awsjson import Handler
from eventbus.services import Services

#: The envelope members TestEventPattern requires, as AWS documents them.
ENVELOPE_MEMBERS = ("id", "account", "source", "time", "region", "resources", "detail-type")


def parse_test_event(text: str) -> dict[str, object]:
    try:
        event = orjson.loads(text)
    except orjson.JSONDecodeError:
        raise ValidationError("Parameter Event is not valid: it is not valid JSON.") from None
    if not isinstance(event, dict):
        raise ValidationError("Parameter Event is not valid: it must be a JSON object.")
    missing = [member for member in ENVELOPE_MEMBERS if member not in event]
    if missing:
        raise ValidationError(
            f"Parameter Event is not valid: missing required member(s) {', '.join(missing)}."
        )
    return event


def results_wire(results: list[EntryResult]) -> Wire:
    return {
        "FailedEntryCount": sum(1 for result in results if result.failed),
        "Entries": [
            compact(
                EventId=result.event_id,
                ErrorCode=result.error_code,
                ErrorMessage=result.error_message,
            )
            for result in results
        ],
    }


def handlers(s: Services) -> dict[str, Handler]:
    async def put_events(req: Wire) -> Wire:
        return results_wire(await s.ingest.put_events(req["Entries"]))

    async def put_partner_events(req: Wire) -> Wire:
        return results_wire(await s.ingest.put_partner_events(req["Entries"]))

    async def test_event_pattern(req: Wire) -> Wire:
        pattern = compile_pattern(req["EventPattern"])
        return {"Result": matches(pattern, parse_test_event(req["Event"]))}

    return {
        "PutEvents": put_events,
        "PutPartnerEvents": put_partner_events,
        "TestEventPattern": test_event_pattern,
    }
