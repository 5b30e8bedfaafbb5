"""A sibling module for `from shop import |` and `import shop.|`."""

VAT_RATE = 0.2


def gross(net: float) -> float:
    return net * (1 + VAT_RATE)
