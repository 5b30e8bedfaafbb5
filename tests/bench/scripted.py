"""A scripted completion path for the run-loop tests (the real model is covered in test_bench_e2e.py)."""

from __future__ import annotations

from decoding.completer import DecodeStats, Suggestion
from decoding.guided import GuidanceStats
from decoding.settings import GuidanceSettings
from lsp_server.bench.tasks import Task


class Script:
    """Answers ``x + 1`` (guided: with two engine queries); raises on request."""

    def __init__(self, interrupt_at: int | None = None, fail: str | None = None) -> None:
        self.calls: list[tuple[str, bool]] = []
        self.interrupt_at = interrupt_at
        self.fail = fail

    def __call__(self, task: Task, guidance: GuidanceSettings) -> Suggestion:
        if len(self.calls) == self.interrupt_at:
            raise KeyboardInterrupt
        self.calls.append((task.task_id, guidance.enabled))
        if task.task_id == self.fail:
            raise ValueError("prompt does not tokenize")
        stats = DecodeStats(
            generated_tokens=4,
            generate_ms=100.0,
            guided=guidance.enabled,
            guidance=GuidanceStats(engine_queries=2) if guidance.enabled else None,
        )
        return Suggestion(text="x + 1", stop_reason="line", stats=stats)
