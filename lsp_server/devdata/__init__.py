"""Dev data: what was suggested and what became of it, kept locally as JSON lines (``docs/dev-data.md``)."""
