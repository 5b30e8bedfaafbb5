"""Static analysis for guided decoding: which names can come next at an identifier site?

Public entry points: :class:`PythonEngine` (shared per server), :class:`EngineGuide` (one per
request, implements ``decoding.constraint.Guide``) and the values of :mod:`.protocol`.
"""

from completion_engine.checks import undefined_names
from completion_engine.guide import EngineGuide
from completion_engine.jedi_backend import JediSettings
from completion_engine.names import SortedNames
from completion_engine.protocol import Candidates, Document, Engine, Site, SiteKind
from completion_engine.python_engine import EngineSettings, PythonEngine

__all__ = [
    "Candidates",
    "Document",
    "Engine",
    "EngineGuide",
    "EngineSettings",
    "JediSettings",
    "PythonEngine",
    "Site",
    "SiteKind",
    "SortedNames",
    "undefined_names",
]
