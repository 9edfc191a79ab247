"""Discovery without a server: fingerprints, reading documents back, and the engine."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from registry.content import canonical
from registry.discovery.engine import DiscoveryEngine, StoredVersion
from registry.discovery.openapi import detail_schema
from registry.discovery.shapes import fingerprint
from registry.infer import DetailSchemaBuilder, openapi_from_detail

# -- fingerprints ------------------------------------------------------------------------

# Small alphabets, so that independently drawn values often share a fingerprint.
scalars = st.sampled_from([0, 7, 1.5, "x", "2024-05-01T10:00:00Z", "2024-05-01", None, True])
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from("ab"), inner, max_size=2)
    ),
    max_leaves=6,
)
details = st.dictionaries(st.sampled_from("abc"), values, max_size=3)


def schema_after(*samples: dict[str, Any]) -> dict[str, Any]:
    builder = DetailSchemaBuilder()
    for sample in samples:
        builder.add_object(sample)
    return builder.detail_schema()


@settings(max_examples=300, deadline=None)
@given(seed=st.lists(details, max_size=2), first=details, second=details)
def test_equal_fingerprints_teach_the_builder_the_same(
    seed: list[dict[str, Any]], first: dict[str, Any], second: dict[str, Any]
) -> None:
    if fingerprint(first) == fingerprint(second):
        assert schema_after(*seed, first) == schema_after(*seed, second)


def test_fingerprint_keeps_what_the_schema_depends_on() -> None:
    assert fingerprint({"a": 1}) == fingerprint({"a": 2})
    assert fingerprint({"a": 1}) != fingerprint({"a": 1.5})
    assert fingerprint({"a": "x"}) != fingerprint({"a": "2024-05-01T10:00:00Z"})
    assert fingerprint({"a": True}) != fingerprint({"a": 1})
    # Same key paths, different `required` in the array's items.
    assert fingerprint({"l": [{"a": 1}, {"b": 1}]}) != fingerprint({"l": [{"a": 1, "b": 1}]})
    assert fingerprint({"l": [1, 2, 3]}) == fingerprint({"l": [4]})


@settings(max_examples=200, deadline=None)
@given(samples=st.lists(details, min_size=1, max_size=4))
def test_documents_read_back_render_the_same(samples: list[dict[str, Any]]) -> None:
    document = openapi_from_detail("shop", "Order Placed", schema_after(*samples))
    seeded = DetailSchemaBuilder()
    read_back = detail_schema(document)
    assert read_back is not None
    seeded.add_schema(read_back)
    assert canonical(openapi_from_detail("shop", "Order Placed", seeded.detail_schema())) == (
        canonical(document)
    )
    for sample in samples:  # the same events again: still the same document
        seeded.add_object(sample)
    assert canonical(openapi_from_detail("shop", "Order Placed", seeded.detail_schema())) == (
        canonical(document)
    )


# -- the engine --------------------------------------------------------------------------


class MemorySink:
    """The discovered-schemas registry, in memory."""

    def __init__(self) -> None:
        self.versions: dict[str, list[dict[str, Any]]] = {}

    async def latest(self, schema: str) -> StoredVersion | None:
        versions = self.versions.get(schema)
        if not versions:
            return None
        return StoredVersion(str(len(versions)), versions[-1])

    async def publish(self, schema: str, content: dict[str, Any]) -> str:
        # A round trip through JSON, as the real registry stores text.
        self.versions.setdefault(schema, []).append(json.loads(json.dumps(content)))
        return str(len(self.versions[schema]))


def event(detail: dict[str, Any], detail_type: str = "Order Placed") -> dict[str, Any]:
    return {"source": "shop", "detail-type": detail_type, "detail": detail}


def detail_component(document: dict[str, Any]) -> dict[str, Any]:
    component: dict[str, Any] = document["components"]["schemas"]["OrderPlaced"]
    return component


async def test_a_version_only_when_the_shape_changes() -> None:
    sink = MemorySink()
    engine = DiscoveryEngine(sink)
    for total in range(5):
        engine.observe(event({"id": "o-1", "total": total}))
    assert await engine.flush() == [("shop@OrderPlaced", "1")]
    engine.observe(event({"id": "o-2", "total": 3}))
    assert not engine.pending  # a known shape costs nothing
    assert await engine.flush() == []

    engine.observe(event({"id": "o-3", "total": 3, "note": "gift"}))
    assert await engine.flush() == [("shop@OrderPlaced", "2")]
    latest = detail_component(sink.versions["shop@OrderPlaced"][-1])
    assert latest["required"] == ["id", "total"]  # note was not in every event
    assert set(latest["properties"]) == {"id", "note", "total"}

    # A new shape that teaches nothing new (keys in another order) adds no version.
    engine.observe(event({"total": 1, "id": "o-4"}))
    assert await engine.flush() == []
    assert len(sink.versions["shop@OrderPlaced"]) == 2


async def test_after_a_restart_known_events_add_no_version() -> None:
    sink = MemorySink()
    first = DiscoveryEngine(sink)
    samples = [
        event({"id": "o-1", "at": "2024-05-01T10:00:00Z", "items": [{"sku": "a", "qty": 1}]}),
        event({"id": "o-2", "customer": {"name": "Ann", "vip": None}, "total": 2.5}),
    ]
    for sample in samples:
        first.observe(sample)
    await first.flush()
    assert len(sink.versions["shop@OrderPlaced"]) == 1

    restarted = DiscoveryEngine(sink)
    for sample in samples:
        restarted.observe(sample)
    assert await restarted.flush() == []
    # What the first run stored is merged in: a property only the new run sees is optional.
    restarted.observe(event({"id": "o-3", "total": 1, "coupon": "X"}))
    assert await restarted.flush() == [("shop@OrderPlaced", "2")]
    latest = detail_component(sink.versions["shop@OrderPlaced"][-1])
    assert latest["required"] == ["id"]
    assert {"at", "items", "customer", "total", "coupon"} <= set(latest["properties"])


async def test_the_stored_document_is_aws_discovered_form() -> None:
    sink = MemorySink()
    engine = DiscoveryEngine(sink)
    engine.observe(
        event({"customer": {"id": "c-1"}, "placed": "2024-05-01T10:00:00.5+02:00", "n": 1})
    )
    await engine.flush()
    [document] = sink.versions["shop@OrderPlaced"]
    components = document["components"]["schemas"]
    envelope = components["AWSEvent"]
    assert envelope["x-amazon-events-source"] == "shop"
    assert envelope["x-amazon-events-detail-type"] == "Order Placed"
    assert envelope["properties"]["detail"] == {"$ref": "#/components/schemas/OrderPlaced"}
    detail = components["OrderPlaced"]
    assert detail["properties"]["customer"] == {"$ref": "#/components/schemas/Customer"}
    assert detail["properties"]["placed"] == {"type": "string", "format": "date-time"}
    assert components["Customer"]["properties"]["id"] == {"type": "string"}


async def test_each_source_and_detail_type_is_its_own_schema() -> None:
    sink = MemorySink()
    engine = DiscoveryEngine(sink)
    engine.observe(event({"a": 1}, "Order Placed"))
    engine.observe(event({"b": 1}, "order shipped"))
    engine.observe({"source": "shop", "detail-type": "x", "detail": "not an object"})
    published = await engine.flush()
    assert sorted(name for name, _ in published) == ["shop@OrderPlaced", "shop@OrderShipped"]


async def test_novel_shapes_all_reach_the_schema() -> None:
    # Every event a new shape: past a window the engine stops fingerprinting for a while
    # (the fingerprint cannot save anything then); every event must still be merged.
    sink = MemorySink()
    engine = DiscoveryEngine(sink)
    for number in range(600):
        engine.observe(event({"id": "o", f"k{number}": number}))
    await engine.flush()
    detail = detail_component(sink.versions["shop@OrderPlaced"][-1])
    assert len(detail["properties"]) == 601
    assert detail["required"] == ["id"]
