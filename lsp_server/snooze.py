"""Snooze: no automatic suggestions until a time, then back on by themselves (server-wide)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from lsp_server.gate import SNOOZE_MINUTES_MAX

log = logging.getLogger(__name__)


def minutes_of(arguments: tuple[object, ...], default: int) -> float:
    """The ``ghostwise.snooze`` command's optional argument; ValueError (an error answer) when wrong."""
    if not arguments or arguments[0] is None:
        return default
    value = arguments[0]
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= SNOOZE_MINUTES_MAX:
        raise ValueError(
            f"ghostwise.snooze takes minutes, more than 0 and at most {SNOOZE_MINUTES_MAX}: got {value!r}"
        )
    return value


class Snooze:
    """Started by the ``ghostwise.snooze`` command, ended by ``ghostwise.resume`` or its own timer.

    ``changed`` runs on every start and end (the server sends its status, which carries ``until``).
    """

    def __init__(self, changed: Callable[[], None]) -> None:
        self._changed = changed
        self._until: datetime | None = None
        self._timer: asyncio.TimerHandle | None = None

    @property
    def active(self) -> bool:
        return self._until is not None

    @property
    def until(self) -> str | None:
        """The end as UTC ISO 8601 (``2026-12-01T22:51:00Z``), None when not snoozed."""
        return None if self._until is None else self._until.strftime("%Y-%m-%dT%H:%M:%SZ")

    def start(self, minutes: float) -> None:
        self._cancel_timer()
        self._until = datetime.now(UTC) + timedelta(minutes=minutes)
        self._timer = asyncio.get_running_loop().call_later(minutes * 60, self.stop)
        log.info("snoozed until %s", self.until)
        self._changed()

    def stop(self) -> None:
        was_active = self.active
        self._cancel_timer()
        self._until = None
        if was_active:
            log.info("snooze ended")
            self._changed()

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
