"""The modes ``bench run`` compares: unguided, guided, and Repilot's ablations."""

from __future__ import annotations

from collections.abc import Mapping

from decoding.settings import GuidanceSettings

MODES: Mapping[str, GuidanceSettings] = {
    "base": GuidanceSettings(enabled=False),
    "guided": GuidanceSettings(),
    "no-pruning": GuidanceSettings(pruning=False),
    "no-memo": GuidanceSettings(memoization=False),
    "no-active": GuidanceSettings(active_completion=False),
    "all-cores": GuidanceSettings(share_cores=False),
}
