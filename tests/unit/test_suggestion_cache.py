"""The suggestion cache alone: a suggestion answers only its own state and the states typed through it."""

from __future__ import annotations

from completion_engine import Document
from decoding.completer import DecodeStats
from lsp_server.suggestion_cache import SuggestionCache, typed_since

TEXT = "def area(r):\n    return \n\nprint(area(2))\n"
AT = TEXT.index("return ") + len("return ")
SUGGESTION = "3.14 * r ** 2"


def doc(text: str = TEXT, cursor: int = AT, uri: str = "file:///a.py") -> Document:
    return Document(uri=uri, text=text, cursor=cursor)


def typed(chars: str, base: Document | None = None) -> Document:
    """``chars`` typed at the cursor of ``base``."""
    base = base or doc()
    return doc(
        base.text[: base.cursor] + chars + base.text[base.cursor :], base.cursor + len(chars), base.uri
    )


def cache() -> SuggestionCache:
    c = SuggestionCache(max_entries=8)
    c.put(doc(), SUGGESTION, "eog")
    return c


def test_a_hit_has_the_suggestions_mode_and_shape_but_no_figures() -> None:
    c = SuggestionCache(max_entries=8)
    made = DecodeStats(prompt_tokens=40, generated_tokens=6, model_ms=90.0, fim=True, guided=True)
    c.put(doc(), SUGGESTION, "eog", made)
    hit = c.lookup(typed("3."))
    assert hit is not None and hit.stats == DecodeStats(fim=True, guided=True)


def test_same_state_answers_the_whole_suggestion() -> None:
    hit = cache().lookup(doc())
    assert hit is not None and (hit.text, hit.typed, hit.stop_reason) == (SUGGESTION, 0, "eog")


def test_typing_through_answers_the_remainder() -> None:
    c = cache()
    for k in range(1, len(SUGGESTION)):
        hit = c.lookup(typed(SUGGESTION[:k]))
        assert hit is not None and hit.text == SUGGESTION[k:] and hit.typed == k


def test_typed_to_the_end_answers_nothing() -> None:
    assert cache().lookup(typed(SUGGESTION)) is None


def test_divergent_typing_mid_token_answers_nothing() -> None:
    c = cache()
    assert c.lookup(typed("3.15")) is None
    assert c.lookup(typed("x")) is None


def test_an_edit_elsewhere_answers_nothing() -> None:
    c = cache()
    earlier = "# note\n" + TEXT
    assert c.lookup(doc(earlier, AT + len("# note\n"))) is None  # the same line, shifted down
    later = TEXT.replace("area(2)", "area(3)")
    assert c.lookup(doc(later, AT)) is None  # the same prefix, another suffix
    same_length = TEXT.replace("def area", "def aera")
    assert c.lookup(typed("3.", doc(same_length, AT))) is None


def test_another_document_answers_nothing() -> None:
    assert cache().lookup(doc(uri="file:///b.py")) is None


def test_another_cursor_answers_nothing() -> None:
    assert cache().lookup(doc(cursor=AT - 1)) is None


def test_bounded_least_recently_used_first() -> None:
    c = SuggestionCache(max_entries=2)
    first, second, third = doc(), doc(uri="file:///b.py"), doc(uri="file:///c.py")
    c.put(first, "one", "eog")
    c.put(second, "two", "eog")
    assert c.lookup(first) is not None  # now the most recently used
    c.put(third, "three", "eog")
    assert len(c) == 2 and c.lookup(second) is None and c.lookup(first) is not None


def test_one_entry_per_state_and_forget() -> None:
    c = cache()
    c.put(doc(), "2 * r", "eog")
    hit = c.lookup(doc())
    assert len(c) == 1 and hit is not None and hit.text == "2 * r"
    c.forget("file:///a.py")
    assert len(c) == 0 and c.lookup(doc()) is None


def test_an_empty_suggestion_answers_only_its_state() -> None:
    c = SuggestionCache(max_entries=8)
    c.put(doc(), "", "eog")
    hit = c.lookup(doc())
    assert hit is not None and hit.text == ""
    assert c.lookup(typed("x")) is None


def test_typed_since() -> None:
    assert typed_since(doc(), typed("3.1")) == "3.1"
    assert typed_since(doc(), doc()) == ""
    assert typed_since(typed("3"), doc()) is None  # a deletion
    assert typed_since(doc(), doc(cursor=AT + 1)) is None  # moved, nothing typed
    assert typed_since(doc(), doc(uri="file:///b.py")) is None
