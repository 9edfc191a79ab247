"""Service settings, read once at the edge (CLI or app factory) into one typed object."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 4010
DEFAULT_REGION = "us-east-1"
DEFAULT_ACCOUNT_ID = "000000000000"


def default_data_dir() -> Path:
    """Where the embedded store lives when no store URL is given."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "eventbus"


@dataclass(frozen=True, slots=True)
class Settings:
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    #: ``sqlite:///path`` or ``redis://host:port/db``; empty means a SQLite file in data_dir.
    store_url: str = ""
    region: str = DEFAULT_REGION
    account_id: str = DEFAULT_ACCOUNT_ID
    data_dir: Path = field(default_factory=default_data_dir)
    #: Whether this process runs the background workers next to the API.
    run_workers: bool = True
    #: AWS's default quotas; adjustable on AWS, so adjustable here.
    max_event_buses: int = 100
    max_rules_per_bus: int = 300
    #: AWS refuses PutEvents entries whose source starts with "aws."; allowing them lets
    #: tests simulate events of AWS services.
    allow_aws_sources: bool = False
    #: Backoff between delivery attempts: attempt n waits up to base * 2**(n-1), capped.
    retry_base_seconds: float = 1.0
    retry_max_delay_seconds: float = 300.0
    #: A delivery being attempted is handed out again after this long (a crashed worker's).
    delivery_visibility_seconds: float = 60.0
    #: A bus log entry read but not routed for this long is routed by another consumer.
    claim_after_seconds: float = 30.0
    #: How often archived events past their archive's retention are deleted.
    archive_purge_interval_seconds: float = 600.0
    #: Replays send at most this many events per second (0: as fast as the store goes),
    #: to spare the targets of the replayed rules.
    replay_max_events_per_second: float = 0.0
    #: Wall-clock seconds in a minute of rate schedules; tests shrink it so that
    #: ``rate(1 minute)`` fires every second or faster. Cron schedules keep real time.
    schedule_minute_seconds: float = 60.0

    def __post_init__(self) -> None:
        if not re.fullmatch(r"\d{12}", self.account_id):
            raise ValueError(f"account id must be 12 digits, got {self.account_id!r}")
        if not re.fullmatch(r"[a-z]{2}(-[a-z]+)+-\d", self.region):
            raise ValueError(f"region must look like us-east-1, got {self.region!r}")
        if not 0 < self.port < 65536:
            raise ValueError(f"port must be between 1 and 65535, got {self.port}")
        if self.schedule_minute_seconds <= 0 or self.archive_purge_interval_seconds <= 0:
            raise ValueError("schedule minute and archive purge interval must be positive")

    @property
    def resolved_store_url(self) -> str:
        return self.store_url or f"sqlite:///{self.data_dir / 'eventbus.db'}"

    @classmethod
    def from_env(
        cls, overrides: Mapping[str, object] | None = None, env: Mapping[str, str] | None = None
    ) -> Settings:
        """Settings from ``EVENTBUS_*`` variables; explicit overrides (CLI flags) win."""
        env = os.environ if env is None else env
        settings = cls()
        values: dict[str, object] = {}
        if "EVENTBUS_HOST" in env:
            values["host"] = env["EVENTBUS_HOST"]
        if "EVENTBUS_PORT" in env:
            try:
                values["port"] = int(env["EVENTBUS_PORT"])
            except ValueError:
                raise ValueError(
                    f"EVENTBUS_PORT must be a number, got {env['EVENTBUS_PORT']!r}"
                ) from None
        if "EVENTBUS_STORE" in env:
            values["store_url"] = env["EVENTBUS_STORE"]
        if "EVENTBUS_REGION" in env:
            values["region"] = env["EVENTBUS_REGION"]
        if "EVENTBUS_ACCOUNT_ID" in env:
            values["account_id"] = env["EVENTBUS_ACCOUNT_ID"]
        for name, key in (
            ("EVENTBUS_MAX_EVENT_BUSES", "max_event_buses"),
            ("EVENTBUS_MAX_RULES_PER_BUS", "max_rules_per_bus"),
        ):
            if name in env:
                try:
                    values[key] = int(env[name])
                except ValueError:
                    raise ValueError(f"{name} must be a number, got {env[name]!r}") from None
        for name, key in (
            ("EVENTBUS_RETRY_BASE_SECONDS", "retry_base_seconds"),
            ("EVENTBUS_RETRY_MAX_DELAY_SECONDS", "retry_max_delay_seconds"),
            ("EVENTBUS_DELIVERY_VISIBILITY_SECONDS", "delivery_visibility_seconds"),
            ("EVENTBUS_CLAIM_AFTER_SECONDS", "claim_after_seconds"),
            ("EVENTBUS_ARCHIVE_PURGE_INTERVAL_SECONDS", "archive_purge_interval_seconds"),
            ("EVENTBUS_REPLAY_MAX_EVENTS_PER_SECOND", "replay_max_events_per_second"),
            ("EVENTBUS_SCHEDULE_MINUTE_SECONDS", "schedule_minute_seconds"),
        ):
            if name in env:
                try:
                    values[key] = float(env[name])
                except ValueError:
                    raise ValueError(f"{name} must be a number, got {env[name]!r}") from None
        if "EVENTBUS_ALLOW_AWS_SOURCES" in env:
            values["allow_aws_sources"] = env["EVENTBUS_ALLOW_AWS_SOURCES"].lower() in (
                "1",
                "true",
                "yes",
            )
        if "EVENTBUS_DATA_DIR" in env:
            values["data_dir"] = Path(env["EVENTBUS_DATA_DIR"])
        values.update({k: v for k, v in (overrides or {}).items() if v is not None})
        return replace(settings, **values)  # type: ignore[arg-type]
