"""ghostwise: AI ghost-text completions from a local model, guided by a completion engine."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("ghostwise")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0"
