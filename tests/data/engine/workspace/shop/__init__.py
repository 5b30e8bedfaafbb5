"""A tiny package the engine tests complete against."""
