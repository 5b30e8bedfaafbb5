"""The model seam: what the token loop needs from a loaded model (``TokenModel``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np


class TokenModel(Protocol):
    """A loaded model with one KV cache, driven token by token."""

    name: str
    n_ctx: int
    n_vocab: int

    def tokenize(self, text: str, *, special: bool = False) -> list[int]:
        """Ids of ``text`` without BOS (``special``: parse special-token texts)."""
        ...

    def bos(self) -> list[int]:
        """``[bos]`` if the model expects a BOS token at the start of a prompt, else ``[]``."""
        ...

    def piece(self, token: int) -> bytes:
        """The bytes a token stands for (may be a partial UTF-8 sequence; empty for control)."""
        ...

    def is_eog(self, token: int) -> bool: ...

    def is_control(self, token: int) -> bool: ...

    def special_id(self, text: str) -> int | None:
        """Id of the special token whose text is exactly ``text``."""
        ...

    def token_text(self, token: int) -> str: ...

    def metadata(self) -> dict[str, str]: ...

    def cached(self) -> Sequence[int]:
        """Token ids currently in the KV cache."""
        ...

    def prime(self, tokens: Sequence[int]) -> int:
        """Make the cache hold exactly ``tokens``, evaluating only past the longest common prefix.

        Returns how many tokens were reused. Logits of the last token are available after.
        """
        ...

    def append(self, tokens: Sequence[int]) -> None:
        """Evaluate ``tokens`` after what is cached (one batch)."""
        ...

    def truncate(self, n_keep: int) -> None:
        """Forget cached tokens past ``n_keep`` (call :meth:`append` next to get fresh logits)."""
        ...

    def share_cores(self, engine_busy: bool) -> None:
        """Leave a core to the completion engine while it is busy (``engine_busy``), all of them otherwise."""
        ...

    def logits(self) -> np.ndarray:
        """Logits after the last evaluated token (a view: copy it to keep it past the next eval).

        A remote model knows only the top tokens' (the others are minus infinity)."""
        ...

    def full_logits(self) -> np.ndarray:
        """The same logits, known for more tokens where :meth:`logits` knows only the top ones (guidance
        asks when it prunes all of those)."""
        ...

    def finish(self) -> None:
        """Generation is over: stop any work ahead of it (a remote model's stream)."""
        ...
