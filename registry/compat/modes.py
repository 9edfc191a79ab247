"""Compatibility modes, and checking a new schema version against the versions before it.

The modes are the ones schema registries commonly offer:

==========================  ===============================================================
``NONE``                    anything goes (the default, and AWS's behaviour)
``BACKWARD``                consumers using the new version can read data written with the
                            latest version
``FORWARD``                 consumers using the latest version can read data written with
                            the new one
``FULL``                    both
``*_TRANSITIVE``            the same against every earlier version, not only the latest
==========================  ===============================================================
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Any

from registry.compat.diff import Change, diff


class Mode(StrEnum):
    NONE = "NONE"
    BACKWARD = "BACKWARD"
    BACKWARD_TRANSITIVE = "BACKWARD_TRANSITIVE"
    FORWARD = "FORWARD"
    FORWARD_TRANSITIVE = "FORWARD_TRANSITIVE"
    FULL = "FULL"
    FULL_TRANSITIVE = "FULL_TRANSITIVE"

    @property
    def transitive(self) -> bool:
        return self.value.endswith("_TRANSITIVE")

    @property
    def backward(self) -> bool:
        return self.value.startswith(("BACKWARD", "FULL"))

    @property
    def forward(self) -> bool:
        return self.value.startswith(("FORWARD", "FULL"))


def breaks(mode: Mode, change: Change) -> bool:
    """Whether ``change`` is one that ``mode`` forbids."""
    return (mode.backward and change.breaks_backward) or (mode.forward and change.breaks_forward)


def check(mode: Mode, history: Sequence[Mapping[str, Any]], new: Mapping[str, Any]) -> list[Change]:
    """The changes that make ``new`` break ``mode``, given earlier versions oldest first.

    Empty when ``new`` is acceptable. Against several versions (transitive modes) a change
    found more than once is reported once.
    """
    if mode is Mode.NONE or not history:
        return []
    against = history if mode.transitive else history[-1:]
    found: dict[tuple[str, str, str], Change] = {}
    # Newest first: a change is reported as it looks against the closest version.
    for old in reversed(against):
        for change in diff(old, new):
            if breaks(mode, change):
                found.setdefault((change.path, change.kind, change.detail), change)
    return list(found.values())
