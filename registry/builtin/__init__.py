"""The schemas of AWS's own events that fill the read-only ``aws.events`` registry.

Each file of ``aws_events/`` describes one event from AWS's documented examples: its
source, detail-type, a description, and the OpenAPI components of its detail. The full
document (envelope included) is built with ``registry.eventschema`` so built-in schemas
have exactly the form discovered ones have, and is named ``aws.<service>@<DetailType>``
(e.g. ``aws.ec2@EC2InstanceStateChangeNotification``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources

from registry.eventschema import event_document, schema_name


@dataclass(frozen=True, slots=True)
class BuiltinSchema:
    name: str
    source: str
    detail_type: str
    description: str
    content: str


def builtin_schemas() -> list[BuiltinSchema]:
    """Every built-in schema, by name."""
    found = []
    folder = resources.files(__name__).joinpath("aws_events")
    for entry in folder.iterdir():
        if not entry.name.endswith(".json"):
            continue
        spec = json.loads(entry.read_text(encoding="utf-8"))
        source, detail_type = spec["source"], spec["detail-type"]
        document = event_document(source, detail_type, spec["detail"], spec["components"])
        found.append(
            BuiltinSchema(
                name=schema_name(source, detail_type),
                source=source,
                detail_type=detail_type,
                description=spec["description"],
                content=json.dumps(document, indent=2),
            )
        )
    return sorted(found, key=lambda schema: schema.name)
