"""What every service needs: settings, the store, ARNs and a clock."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from eventbus.arns import Arns
from eventbus.settings import Settings
from eventbus.store import Store


@dataclass(frozen=True, slots=True)
class Context:
    settings: Settings
    store: Store
    clock: Callable[[], float] = field(default=time.time)

    @property
    def arns(self) -> Arns:
        return Arns(self.settings.region, self.settings.account_id)
