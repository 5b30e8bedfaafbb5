"""``BoundedLRU`` alone: bounded by count and by bytes, the newest entry kept, documents forgotten."""

from __future__ import annotations

from completion_engine.lru import BoundedLRU


def sized(max_entries: int = 10, max_bytes: int = 100) -> tuple[BoundedLRU[tuple[str, int], str], list[str]]:
    evicted: list[str] = []
    cache: BoundedLRU[tuple[str, int], str] = BoundedLRU(
        max_entries=max_entries, max_bytes=max_bytes, size=len, on_evict=evicted.append
    )
    return cache, evicted


def test_bounded_by_count_least_recently_used_first() -> None:
    cache, evicted = sized(max_entries=2, max_bytes=1000)
    cache.put(("a", 1), "x")
    cache.put(("a", 2), "y")
    assert cache.get(("a", 1)) == "x"  # now the most recently used
    cache.put(("b", 1), "z")
    assert evicted == ["y"] and cache.get(("a", 2)) is None and len(cache) == 2


def test_bounded_by_bytes() -> None:
    cache, evicted = sized(max_bytes=100)
    for version in range(5):
        cache.put(("doc", version), "x" * 40)
    assert cache.bytes == 80 and len(cache) == 2 and len(evicted) == 3


def test_the_newest_entry_stays_even_when_over_the_budget() -> None:
    cache, evicted = sized(max_bytes=100)
    cache.put(("small", 1), "x")
    cache.put(("huge", 1), "x" * 500)
    assert cache.get(("huge", 1)) == "x" * 500 and evicted == ["x"] and cache.bytes == 500


def test_replacing_a_key_counts_its_bytes_once() -> None:
    cache, _ = sized()
    cache.put(("a", 1), "x" * 30)
    cache.put(("a", 1), "x" * 10)
    assert cache.bytes == 10 and len(cache) == 1


def test_forget_drops_every_entry_of_a_document() -> None:
    cache, evicted = sized(max_bytes=1000)
    for key in [("a", 1), ("b", 1), ("a", 2)]:
        cache.put(key, "v" + key[0])
    cache.forget("a")
    assert cache.documents() == {"b"} and evicted == ["va", "va"] and cache.bytes == 2


def test_plain_keys_and_count_only() -> None:
    cache: BoundedLRU[str, int] = BoundedLRU(max_entries=3)
    for i in range(10):
        cache.put(f"file:///{i}.py", i)
    assert len(cache) == 3 and cache.bytes == 0
    cache.forget("file:///9.py")
    assert cache.documents() == {"file:///7.py", "file:///8.py"}
