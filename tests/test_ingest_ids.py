"""Event ids are random version-4 UUIDs in their canonical text form."""

from __future__ import annotations

import uuid

from eventbus.ingest import new_event_id


def test_event_ids_are_canonical_random_uuids() -> None:
    ids = [new_event_id() for _ in range(2000)]
    assert len(set(ids)) == len(ids)
    for text in ids[:200]:
        parsed = uuid.UUID(text)
        assert str(parsed) == text
        assert parsed.version == 4
        assert parsed.variant == uuid.RFC_4122
