"""``benchmarks/typing.py``: the typing replay (``typing_replay.py``), under the name the issue gives it.

A script in ``benchmarks/`` runs with this folder first on ``sys.path``, where a file of this name
shadows the standard library's ``typing``: imported under that name, it hands over to the real one.
"""

import os
import sys

if __name__ == "typing":
    _here = os.path.dirname(os.path.abspath(__file__))
    _saved = sys.path[:]
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != _here]
    del sys.modules["typing"]
    try:
        import typing as _standard
    finally:
        sys.path[:] = _saved
    sys.modules["typing"] = _standard  # what the import that found this file gets
elif __name__ == "__main__":
    import asyncio

    import typing_replay

    asyncio.run(typing_replay.main())
