"""Candidates from Jedi: one warm ``jedi.Project`` per workspace root, one query per site, time-boxed.

Jedi cannot be interrupted, so every query runs in one worker thread and callers wait as long as they
choose (the decoder: not at all while it decodes); a late answer is kept for the next request.
Only ``Completion.name`` is read (``.type`` can cost more than the whole query).  An empty answer,
an exception (including ``RecursionError``) or a time-out is *unknown* (None), logged once at debug.
"""

from __future__ import annotations

import keyword
import logging
import sys
import threading
import time
from concurrent.futures import CancelledError, Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jedi

from completion_engine.certainty import assess, receiver_values
from completion_engine.lines import line_column
from completion_engine.lru import BoundedLRU
from completion_engine.member_cache import MemberCache, member_key
from completion_engine.names import SortedNames
from completion_engine.protocol import Candidates, Document, Site

log = logging.getLogger(__name__)

_VENV_NAMES = (".venv", "venv", "env", ".env")
# Where a bare name may stand, a keyword is syntax, never an unknown name: the checks judge it.
_KEYWORDS = frozenset([*keyword.kwlist, *keyword.softkwlist])


@dataclass(frozen=True, slots=True, kw_only=True)
class JediSettings:
    """How Jedi is run.

    ``python_environment`` is an interpreter or a venv folder whose packages should resolve; when
    empty a ``.venv``/``venv``/``env`` folder in the workspace root is used if present, else Jedi's
    default environment (``$VIRTUAL_ENV`` or this interpreter).

    ``share_inference_state``: successive versions of one document reuse one Jedi inference state
    (imported modules and inferred values stay warm; about halves the median query), replaced after
    ``shared_state_max_uses`` queries or ``shared_state_max_age_s`` (to pick up edits of other
    files and bound memory) and after any failure.
    """

    timeout_ms: int = 150  # the wait of callers that name none (the decoder always names its own)
    python_environment: str = field(default="", metadata={"setting": {}})
    max_document_chars: int = 1_000_000
    max_cached_sites: int = 2048
    max_cached_scripts: int = 8
    max_cached_script_bytes: int = 64 * 1024 * 1024  # estimated: a script is ~22 bytes per character
    share_inference_state: bool = True
    shared_state_max_uses: int = 200
    shared_state_max_age_s: float = 60.0
    member_cache: bool = True  # keep member lists across versions (completion_engine/member_cache.py)


@dataclass(slots=True)
class _SharedState:
    state: Any  # jedi.inference.InferenceState (no public type)
    created: float
    uses: int = 0


@dataclass(frozen=True, slots=True)
class _Answer:
    names: SortedNames
    complete: bool


@dataclass(slots=True)
class _Pending:
    future: Future[_Answer | None]
    submitted: float


class JediBackend:
    """Answers "which names are legal at this site?" with Jedi, memoized per site key."""

    def __init__(self, settings: JediSettings | None = None) -> None:
        self.settings = settings or JediSettings()
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ghostwise-jedi")
        self._lock = threading.Lock()
        s = self.settings
        # site answers are name lists (not document-sized): bounded by count; scripts by size too
        self._sites: BoundedLRU[tuple[object, ...], _Pending] = BoundedLRU(
            max_entries=s.max_cached_sites, on_evict=_cancel
        )
        self._projects: dict[Path | None, jedi.Project] = {}
        self._scripts: BoundedLRU[tuple[str, int, str], jedi.Script] = BoundedLRU(
            max_entries=s.max_cached_scripts, max_bytes=s.max_cached_script_bytes, size=_script_bytes
        )
        self._states: BoundedLRU[str, _SharedState] = BoundedLRU(max_entries=s.max_cached_scripts)
        self.members = MemberCache()
        self.queries = 0
        self.memo_hits = 0

    def warm(self, root: Path | None = None) -> None:
        """Load Jedi's caches (builtins, typing, a module completion) so the first real query is warm."""
        doc = Document(uri="ghostwise:warm", version=0, text="import os\nos.path.\n", workspace_root=root)
        future = self._executor.submit(self._complete, doc, "", 2, 8)
        try:
            future.result()
        except Exception:
            log.debug("jedi warm-up failed", exc_info=True)

    def close(self) -> None:
        """Stop the worker (pending queries are cancelled)."""
        self._executor.shutdown(wait=False, cancel_futures=True)

    def forget(self, uri: str) -> None:
        """Drop a closed document's scripts, inference state and site answers, now and once more after
        the work already queued for it (which may add some)."""
        self._forget(uri)
        try:
            self._executor.submit(self._forget, uri)
        except RuntimeError:  # closed
            pass

    def _forget(self, uri: str) -> None:
        for cache in (self._sites, self._scripts, self._states):
            cache.forget(uri)

    def held_bytes(self) -> int:
        """The estimated bytes of the cached scripts."""
        return self._scripts.bytes

    def documents(self) -> set[object]:
        return self._sites.documents() | self._scripts.documents() | self._states.documents()

    def prepare(self, doc: Document) -> Future[None] | None:
        """Parse ``doc`` in the worker now, so its first query only pays for inference."""
        if len(doc.text) > self.settings.max_document_chars:
            return None
        return self._executor.submit(self._prepare, doc)

    def _prepare(self, doc: Document) -> None:
        try:
            self._script(doc, "", doc.text)
        except (Exception, RecursionError) as exc:  # noqa: BLE001 - the query will report it
            log.debug("jedi: parsing %s failed: %r", doc.uri, exc)

    def candidates(self, doc: Document, site: Site, *, wait_ms: float | None = None) -> Candidates:
        """The names at ``site``, waiting at most ``wait_ms`` from now (default ``timeout_ms``) for a query
        that is not answered yet; ``wait_ms=0`` only starts it. ``ready`` is False while it still runs."""
        with self._lock:
            pending = self._sites.get(site.key)
            memoized = pending is not None
            if pending is None:
                try:
                    future = self._executor.submit(self._query, doc, site)
                except RuntimeError:  # closed: the engine was replaced by a reconfiguration
                    return Candidates(names=None, memoized=False, complete=False)
                pending = _Pending(future, time.perf_counter())
                self._sites.put(site.key, pending)
                self.queries += 1
            else:
                self.memo_hits += 1
        limit_ms = self.settings.timeout_ms if wait_ms is None else wait_ms
        try:
            answer = pending.future.result(timeout=max(limit_ms, 0.0) / 1000)
        except FutureTimeout:
            if limit_ms > 0:
                log.debug("jedi: no answer within %.0f ms for %s at %d", limit_ms, doc.uri, site.start)
            return Candidates(names=None, ready=False, memoized=memoized, complete=False)
        except CancelledError:
            return Candidates(names=None, memoized=memoized, complete=False)
        if answer is None:
            return Candidates(names=None, memoized=memoized, complete=False)
        return Candidates(names=answer.names, memoized=memoized, complete=answer.complete)

    def members_at(self, doc: Document) -> frozenset[str]:
        """Every name Jedi completes at the cursor, without a time-out or any cache but the project's
        (an oracle for benchmarks: same environment as the guidance path, none of its shortcuts)."""
        line, column = line_column(doc.text, doc.cursor)
        project = self._project(doc.workspace_root)

        def query() -> frozenset[str]:
            path = doc.path if doc.path is not None and doc.path.suffix in (".py", ".pyi") else None
            return frozenset(
                c.name for c in jedi.Script(doc.text, path=path, project=project).complete(line + 1, column)
            )

        try:
            return self._executor.submit(query).result()
        except (Exception, RecursionError) as exc:  # noqa: BLE001 - Jedi's internal errors mean "unknown"
            log.debug("jedi: members at %s:%d failed: %r", doc.uri, doc.cursor, exc)
            return frozenset()

    def _query(self, doc: Document, site: Site) -> _Answer | None:
        """Worker side: one Jedi completion at the start of the site's identifier, and whether its list
        can be complete (:mod:`completion_engine.certainty`)."""
        text = doc.text[: site.cursor] + site.generated + doc.text[site.cursor :]
        if len(text) > self.settings.max_document_chars:
            log.debug(
                "jedi: %s has %d chars (> %d): unknown", doc.uri, len(text), self.settings.max_document_chars
            )
            return None
        line0, column = line_column(text, site.start)
        line = line0 + 1
        t0 = time.perf_counter()
        try:
            script, raw = self._complete(doc, site.generated, line, column, text, kind=site.kind)
            verdict = assess(script, site, text, line, column, raw)
        except (Exception, RecursionError) as exc:  # noqa: BLE001 - Jedi's internals may raise anything
            self._states.forget(doc.uri)
            log.debug("jedi: %s on %s at %d:%d: unknown", type(exc).__name__, doc.uri, line, column)
            return None
        names = [n.removesuffix("=") for n in raw]
        names = [n for n in names if n.isidentifier()]
        elapsed_ms = (time.perf_counter() - t0) * 1000
        if not names:
            log.debug(
                "jedi: empty answer for %s %s at %d:%d (%.1f ms): unknown",
                site.kind,
                doc.uri,
                line,
                column,
                elapsed_ms,
            )
            return None
        log.debug(
            "jedi: %d names for %s %s at %d:%d in %.1f ms%s",
            len(names),
            site.kind,
            doc.uri,
            line,
            column,
            elapsed_ms,
            "" if verdict.complete else f" (maybe incomplete: {verdict.why})",
        )
        keywords = _KEYWORDS if site.kind in ("name", "keyword_arg") else ()
        return _Answer(SortedNames([*names, *verdict.extra, *site.local_names, *keywords]), verdict.complete)

    def _complete(
        self,
        doc: Document,
        generated: str,
        line: int,
        column: int,
        text: str | None = None,
        kind: str = "",
    ) -> tuple[jedi.Script, list[str]]:
        """Jedi's completion names at ``line``/``column`` of a site of ``kind``; after a ``.``, from the
        member cache when the receiver's members are already known (:mod:`completion_engine.member_cache`).

        At a bare-name site, Jedi's flow analysis is off: it drops the names it proves unreachable from
        the cursor (a branch of an ``if`` it can decide), and deciding means inferring every ``if`` test
        between each name and the cursor. On rich's sites that took 1.1 s of CPU per query at the median
        (57 ms without), time-outs that kept burning a core the model needed. The list is then a superset
        of Jedi's (never a missing name). Other sites keep it: at members it narrows the receiver's types."""
        script = self._script(doc, generated, doc.text if text is None else text)
        state = getattr(script, "_inference_state", None)
        if state is not None:  # Jedi's per-query limits, which a shared state would otherwise accumulate
            state.inferred_element_counts = {}
            state.dynamic_params_depth = 0
            state.reset_recursion_limitations()
            state.flow_analysis_enabled = kind != "name"
        key = None
        if kind == "member" and self.settings.member_cache:
            key = member_key(
                script, receiver_values(script, line, column), str(doc.path) if doc.path else None, line
            )
            if (cached := self.members.get(key)) is not None:
                return script, cached
        names = [c.name for c in script.complete(line, column)]
        self.members.put(key, names)
        return script, names

    def _script(self, doc: Document, generated: str, text: str) -> jedi.Script:
        key = (doc.uri, doc.version, generated)
        script = self._scripts.get(key)
        if script is None:
            project = self._project(doc.workspace_root)
            path = doc.path if doc.path is not None and doc.path.suffix in (".py", ".pyi") else None
            # Jedi loses the enclosing function at the very end of a file without a final newline
            # ("def f(self):\n    return |" lists no "self"): give it one, positions stay the same.
            text = text if text.endswith("\n") else text + "\n"
            script = jedi.Script(text, path=path, project=project)
            self._scripts.put(key, script)
            if self.settings.share_inference_state:
                self._share_state(doc.uri, script)
        return script

    def _share_state(self, uri: str, script: jedi.Script) -> None:
        """Give ``script`` the document's long-lived inference state, or make its own the shared one."""
        if not hasattr(script, "_inference_state"):  # a Jedi without this attribute: no sharing
            return
        now = time.monotonic()
        shared = self._states.get(uri)
        if (
            shared is None
            or shared.uses >= self.settings.shared_state_max_uses
            or now - shared.created > self.settings.shared_state_max_age_s
        ):
            self._states.put(uri, _SharedState(script._inference_state, now))
            return
        shared.uses += 1
        script._inference_state = shared.state

    def _project(self, root: Path | None) -> jedi.Project:
        project = self._projects.get(root)
        if project is None:
            project = self._projects[root] = _make_project(root, self.settings.python_environment)
        return project


def _cancel(pending: _Pending) -> None:
    pending.future.cancel()


def _script_bytes(script: jedi.Script) -> int:
    """A script's text and parso tree (about 22 bytes per character, measured)."""
    return 23 * len(getattr(script, "_code", "") or "")


def _make_project(root: Path | None, python_environment: str) -> jedi.Project:
    """A project for ``root`` whose environment is the configured or detected venv, when it works."""
    configured = python_environment or _detect_venv(root)
    kwargs: dict[str, Any] = {}
    if configured is not None:
        try:
            jedi.create_environment(configured, safe=False)
            kwargs["environment_path"] = configured
        except Exception as exc:  # noqa: BLE001 - InvalidPythonEnvironment and OS errors
            log.debug("jedi: python environment %s unusable (%s); using the default", configured, exc)
    path = root if root is not None and root.is_dir() else Path.cwd()
    log.debug("jedi: project %s (environment %s)", path, kwargs.get("environment_path", sys.executable))
    return jedi.Project(path, **kwargs)


def _detect_venv(root: Path | None) -> str | None:
    if root is None:
        return None
    for name in _VENV_NAMES:
        candidate = root / name
        if (candidate / "pyvenv.cfg").is_file():
            return str(candidate)
    return None
