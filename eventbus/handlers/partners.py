"""Partner event sources, from the partner's side and the customer's."""

from __future__ import annotations

from eventbus.documents import page_list
from eventbus.handlers.wire import Wire, compact
from eventbus.partners import PartnerSource
from eventbus.protocol.awsjson import Handler
from eventbus.services import Services


def handlers(s: Services) -> dict[str, Handler]:
    def customer_wire(source: PartnerSource) -> Wire:
        return compact(
            Arn=s.partners.arn(source.name),
            CreatedBy=source.created_by,
            CreationTime=source.created,
            Name=source.name,
            State=source.state,
        )

    async def create_partner_event_source(req: Wire) -> Wire:
        return {"EventSourceArn": await s.partners.create(req["Name"], req["Account"])}

    async def describe_partner_event_source(req: Wire) -> Wire:
        return {"Arn": await s.partners.describe_partner_source(req["Name"]), "Name": req["Name"]}

    async def list_partner_event_sources(req: Wire) -> Wire:
        sources = [
            {"Arn": summary.arn, "Name": summary.name}
            for summary in await s.partners.list_partner_sources(req["NamePrefix"])
        ]
        items, token = page_list(sources, req.get("NextToken"), req.get("Limit"))
        return compact(PartnerEventSources=items, NextToken=token)

    async def list_partner_event_source_accounts(req: Wire) -> Wire:
        accounts = [
            compact(
                Account=source.account,
                CreationTime=source.created,
                State=source.state,
            )
            for source in await s.partners.accounts(req["EventSourceName"])
        ]
        items, token = page_list(accounts, req.get("NextToken"), req.get("Limit"))
        return compact(PartnerEventSourceAccounts=items, NextToken=token)

    async def delete_partner_event_source(req: Wire) -> None:
        await s.partners.delete(req["Name"], req["Account"])

    async def list_event_sources(req: Wire) -> Wire:
        sources = [
            customer_wire(source)
            for source in await s.partners.list_for_customer(req.get("NamePrefix"))
        ]
        items, token = page_list(sources, req.get("NextToken"), req.get("Limit"))
        return compact(EventSources=items, NextToken=token)

    async def describe_event_source(req: Wire) -> Wire:
        return customer_wire(await s.partners.get(req["Name"]))

    async def activate_event_source(req: Wire) -> None:
        await s.partners.set_deactivated(req["Name"], False)

    async def deactivate_event_source(req: Wire) -> None:
        await s.partners.set_deactivated(req["Name"], True)

    return {
        "CreatePartnerEventSource": create_partner_event_source,
        "DescribePartnerEventSource": describe_partner_event_source,
        "ListPartnerEventSources": list_partner_event_sources,
        "ListPartnerEventSourceAccounts": list_partner_event_source_accounts,
        "DeletePartnerEventSource": delete_partner_event_source,
        "ListEventSources": list_event_sources,
        "DescribeEventSource": describe_event_source,
        "ActivateEventSource": activate_event_source,
        "DeactivateEventSource": deactivate_event_source,
    }
