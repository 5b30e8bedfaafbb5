"""A scripted completion path for the run-loop tests (the real model is covered in test_bench_e2e.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from decoding.settings import GuidanceSettings
from lsp_server.bench.tasks import Task


@dataclass
class FakeStats:
    generated_tokens: int = 4
    generate_ms: float = 100.0
    guidance: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"generated_tokens": self.generated_tokens, "generate_ms": self.generate_ms,
                "guidance": self.guidance}


@dataclass(frozen=True)
class FakeSuggestion:
    text: str
    stop_reason: str
    stats: FakeStats


class Script:
    """Answers ``x + 1`` (guided: with two engine queries); raises on request."""

    def __init__(self, interrupt_at: int | None = None, fail: str | None = None) -> None:
        self.calls: list[tuple[str, bool]] = []
        self.interrupt_at = interrupt_at
        self.fail = fail

    def __call__(self, task: Task, guidance: GuidanceSettings) -> FakeSuggestion:
        if len(self.calls) == self.interrupt_at:
            raise KeyboardInterrupt
        self.calls.append((task.task_id, guidance.guided))
        if task.task_id == self.fail:
            raise ValueError("prompt does not tokenize")
        queries = {"engine_queries": 2.0} if guidance.guided else {}
        return FakeSuggestion(text="x + 1", stop_reason="line", stats=FakeStats(guidance=queries))
