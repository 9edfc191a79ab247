"""Small helpers shared by the handlers for building AWS wire shapes."""

from __future__ import annotations

from typing import Any

Wire = dict[str, Any]


def compact(**members: Any) -> Wire:
    """A wire structure without the members that are None (AWS omits absent members)."""
    return {key: value for key, value in members.items() if value is not None}


def tag_dict(tags: list[Wire] | None) -> dict[str, str]:
    return {tag["Key"]: tag["Value"] for tag in tags or ()}


def tag_list(tags: dict[str, str]) -> list[Wire]:
    return [{"Key": key, "Value": value} for key, value in tags.items()]
