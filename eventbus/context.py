"""What every service needs: settings, the store, ARNs and a clock."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from eventbus.arns import Arns
from eventbus.settings import Settings
from eventbus.store import Store


class LocalChanges:
    """Changes made by this process, counted per name (e.g. ``rules:<bus>``).

    Workers poll the store's counters to see changes made by any process; these let them
    see this process's own changes at once without a store read on every batch.
    """

    def __init__(self) -> None:
        self._counts: dict[str, int] = {}

    def bump(self, name: str) -> None:
        self._counts[name] = self._counts.get(name, 0) + 1

    def get(self, name: str) -> int:
        return self._counts.get(name, 0)


@dataclass(frozen=True, slots=True)
class Context:
    settings: Settings
    store: Store
    clock: Callable[[], float] = field(default=time.time)
    changes: LocalChanges = field(default_factory=LocalChanges)

    @property
    def arns(self) -> Arns:
        return Arns(self.settings.region, self.settings.account_id)
