"""A dev-data log built by hand (the expected statistics are worked out in test_stats.py)."""

from __future__ import annotations

from pathlib import Path

from lsp_server.devdata.schema import Event, Excerpt, Latency, OutputSize, PromptSize


def event(
    n: int,
    time: str,
    *,
    language: str = "python",
    mode: str = "base",
    served: str = "model",
    chars: int = 10,
    outcome: str = "accepted",
    accepted_chars: int = 0,
    latency: tuple[float, ...] = (0, 0, 0, 0, 0),
    guidance: dict[str, float] | None = None,
    pruned_names: dict[str, int] | None = None,
    text: Excerpt | None = None,
) -> Event:
    """Event number ``n``; ``latency`` is (queue, prompt, generate, engine, total) in ms."""
    queue, prompt, generate, engine, total = latency
    return Event(
        id=f"event-{n}",
        time=time,
        session="s1",
        client="test",
        language=language,
        model="tiny.gguf",
        mode=mode,
        surface="inline",
        served=served,
        prompt=PromptSize(tokens=100, reused_tokens=80, prefix_chars=400, suffix_chars=20),
        suggestion=OutputSize(
            tokens=chars // 3 + 1, chars=chars, lines=1, stop_reason="line", fim=False, multiline=False
        ),
        latency_ms=Latency(
            queue=queue, prompt=prompt, generate=generate, engine=engine, model=generate, total=total
        ),
        guidance=guidance or {},
        outcome=outcome,
        ended_by="accept" if outcome == "accepted" else "replaced",
        shown=outcome != "unknown",
        accepted_chars=accepted_chars,
        outcome_ms=500.0,
        pruned_names=pruned_names or {},
        text=text,
    )


EVENTS = [
    event(
        1,
        "2026-11-20T10:05:00.000Z",
        mode="guided",
        chars=10,
        accepted_chars=10,
        latency=(10, 40, 100, 20, 150),
        guidance={"released": 1, "pruned": 3, "engine_ms": 20},
        pruned_names={"get_usr": 2},
    ),
    event(
        2,
        "2026-11-20T10:40:00.000Z",
        mode="guided",
        chars=30,
        outcome="partial",
        accepted_chars=12,
        latency=(20, 60, 200, 40, 280),
        guidance={"released": 0, "pruned": 1, "engine_ms": 40},
    ),
    event(3, "2026-11-20T11:10:00.000Z", chars=80, outcome="dismissed", latency=(30, 80, 300, 0, 410)),
    event(
        4,
        "2026-11-21T09:00:00.000Z",
        language="rust",
        chars=5,
        accepted_chars=5,
        latency=(40, 20, 50, 0, 110),
    ),
    event(
        5,
        "2026-11-21T09:30:00.000Z",
        mode="guided",
        chars=200,
        outcome="dismissed",
        latency=(50, 100, 400, 60, 550),
        guidance={"released": 2, "pruned": 5, "engine_ms": 60},
        pruned_names={"get_usr": 1, "fetch_al": 3},
    ),
    event(6, "2026-11-21T09:45:00.000Z", chars=15, outcome="unseen", latency=(60, 30, 70, 0, 160)),
    event(
        7,
        "2026-11-21T09:50:00.000Z",
        language="rust",
        chars=25,
        outcome="unknown",
        latency=(70, 10, 60, 0, 140),
    ),
]

JUNK = [
    b"this is not json\n",
    b"[1, 2, 3]\n",
    b'{"v": 2, "id": "from-the-future"}\n',
    b'{"v": 1, "time": "2026-11-21T10:00:00Z"}\n',  # no id, no sizes: invalid
    b"\n",
    b'{"v": 1, "pad": "' + b"x" * (2 << 20) + b'"}\n',  # longer than any event
]


def write_log(directory: Path) -> Path:
    """Two daily files, out of order (a clock change put event 6 in the 20th's file), with junk."""
    directory.mkdir(parents=True, exist_ok=True)
    lines = {e.id: (e.to_json() + "\n").encode() for e in EVENTS}
    (directory / "2026-11-20.jsonl").write_bytes(b"".join(lines[f"event-{n}"] for n in (2, 6, 1, 3)))
    (directory / "2026-11-21.jsonl").write_bytes(
        lines["event-4"] + b"".join(JUNK) + lines["event-7"] + lines["event-5"] + b'{"v": 1, "id": "cut sh'
    )
    return directory


def write_week(directory: Path, count: int = 700, seed: int = 7) -> Path:
    """A plausible week of use (random but seeded), for looking at the report."""
    import random
    from datetime import datetime, timedelta

    from lsp_server.devdata.schema import format_time

    rng = random.Random(seed)
    start = datetime.fromisoformat("2026-11-15T08:00:00+00:00")
    names = [
        "get_usr",
        "fetch_al",
        "total_pric",
        "customer_nam",
        "requests_sesion",
        "np.arrya",
        "os.pth",
        "self.confg",
        "item_cout",
        "parse_argz",
        "json.lods",
        "df.groupbi",
    ]
    directory.mkdir(parents=True, exist_ok=True)
    with (directory / "2026-11-15.jsonl").open("w") as f:
        for n in range(count):
            day, hour = rng.randrange(7), rng.choice([9, 10, 10, 11, 13, 14, 14, 15, 16, 17, 21])
            when = start + timedelta(days=day, hours=hour - 8, minutes=rng.randrange(60))
            guided = rng.random() < 0.6
            language = rng.choices(["python", "typescript", "rust", "markdown"], [6, 3, 1, 1])[0]
            chars = int(rng.lognormvariate(3.2, 0.8)) + 1
            p_take = (0.42 if guided else 0.3) * (1.2 if chars < 40 else 0.7)
            roll = rng.random()
            outcome = (
                "accepted"
                if roll < p_take
                else "partial"
                if roll < p_take + 0.05
                else "dismissed"
                if roll < 0.9
                else "unseen"
            )
            queue, prompt, generate = (
                rng.uniform(15, 40),
                rng.lognormvariate(3.5, 0.5),
                rng.lognormvariate(4.8, 0.5),
            )
            engine = rng.lognormvariate(2.8, 0.6) if guided else 0.0
            pruned = rng.choice([0, 0, 1, 2, 4]) if guided else 0
            e = event(
                n,
                format_time(when),
                language=language,
                mode="guided" if guided else "base",
                chars=chars,
                outcome=outcome,
                accepted_chars=chars if outcome == "accepted" else chars // 2 if outcome == "partial" else 0,
                latency=(queue, prompt, generate, engine, queue + prompt + generate),
                guidance={"released": float(rng.random() < 0.08), "pruned": pruned, "engine_ms": engine}
                if guided
                else {},
                pruned_names={rng.choice(names): 1 for _ in range(pruned)},
            )
            f.write(e.to_json() + "\n")
    return directory
