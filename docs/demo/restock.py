"""Try ghostwise here: `make demo` completes line 9 after `depot.` (Depot lives in depot.py)."""

from depot import Depot

depot = Depot("north")
deliveries = [("A1", 3), ("B2", 5)]

for sku, count in deliveries:
    depot.
