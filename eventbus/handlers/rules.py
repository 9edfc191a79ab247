"""Rules and targets: PutRule, DescribeRule, ListRules, Enable/DisableRule, DeleteRule,
ListRuleNamesByTarget, PutTargets, RemoveTargets, ListTargetsByRule."""

from __future__ import annotations

from eventbus.handlers.wire import Wire, compact, tag_dict
from eventbus.protocol.awsjson import Handler
from eventbus.rules import FailedTarget, Rule
from eventbus.services import Services


def rule_wire(rule: Rule) -> Wire:
    return compact(
        Name=rule.name,
        Arn=rule.arn,
        EventPattern=rule.event_pattern,
        ScheduleExpression=rule.schedule_expression,
        State=rule.state,
        Description=rule.description,
        RoleArn=rule.role_arn,
        ManagedBy=rule.managed_by,
        EventBusName=rule.bus,
        CreatedBy=rule.created_by,
    )


def failed_wire(failed: list[FailedTarget]) -> Wire:
    return {
        "FailedEntryCount": len(failed),
        "FailedEntries": [
            {"TargetId": f.target_id, "ErrorCode": f.code, "ErrorMessage": f.message}
            for f in failed
        ],
    }


def handlers(s: Services) -> dict[str, Handler]:
    async def put_rule(req: Wire) -> Wire:
        rule = await s.put_rule(
            req["Name"],
            req.get("EventBusName"),
            tag_dict(req.get("Tags")),
            event_pattern=req.get("EventPattern"),
            schedule_expression=req.get("ScheduleExpression"),
            state=req.get("State"),
            description=req.get("Description"),
            role_arn=req.get("RoleArn"),
        )
        return {"RuleArn": rule.arn}

    async def describe_rule(req: Wire) -> Wire:
        return rule_wire(await s.rules.get(req["Name"], req.get("EventBusName")))

    async def list_rules(req: Wire) -> Wire:
        page = await s.rules.page(
            req.get("EventBusName"), req.get("NamePrefix"), req.get("NextToken"), req.get("Limit")
        )
        return compact(Rules=[rule_wire(rule) for rule in page.items], NextToken=page.next_token)

    async def enable_rule(req: Wire) -> None:
        await s.rules.set_state(req["Name"], req.get("EventBusName"), "ENABLED")

    async def disable_rule(req: Wire) -> None:
        await s.rules.set_state(req["Name"], req.get("EventBusName"), "DISABLED")

    async def delete_rule(req: Wire) -> None:
        await s.delete_rule(req["Name"], req.get("EventBusName"))

    async def list_rule_names_by_target(req: Wire) -> Wire:
        names, token = await s.rules.names_by_target(
            req["TargetArn"], req.get("EventBusName"), req.get("NextToken"), req.get("Limit")
        )
        return compact(RuleNames=names, NextToken=token)

    async def put_targets(req: Wire) -> Wire:
        failed = await s.rules.put_targets(req["Rule"], req.get("EventBusName"), req["Targets"])
        return failed_wire(failed)

    async def remove_targets(req: Wire) -> Wire:
        failed = await s.rules.remove_targets(req["Rule"], req.get("EventBusName"), req["Ids"])
        return failed_wire(failed)

    async def list_targets_by_rule(req: Wire) -> Wire:
        targets, token = await s.rules.list_targets(
            req["Rule"], req.get("EventBusName"), req.get("NextToken"), req.get("Limit")
        )
        return compact(Targets=[target.spec for target in targets], NextToken=token)

    return {
        "PutRule": put_rule,
        "DescribeRule": describe_rule,
        "ListRules": list_rules,
        "EnableRule": enable_rule,
        "DisableRule": disable_rule,
        "DeleteRule": delete_rule,
        "ListRuleNamesByTarget": list_rule_names_by_target,
        "PutTargets": put_targets,
        "RemoveTargets": remove_targets,
        "ListTargetsByRule": list_targets_by_rule,
    }
