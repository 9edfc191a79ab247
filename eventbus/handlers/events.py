"""PutEvents, PutPartnerEvents and TestEventPattern."""

from __future__ import annotations

from eventbus.handlers.wire import Wire, compact
from eventbus.ingest import EntryResult
from eventbus.protocol.awsjson import Handler
from eventbus.services import Services


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

    return {"PutEvents": put_events, "PutPartnerEvents": put_partner_events}
