"""The module `make demo`'s example imports: the model never sees it, only the engine (Jedi) reads it."""


class Depot:
    def __init__(self, region):
        self.region = region
        self.bin_locations = {}

    def restock_shelf(self, sku, count):
        self.bin_locations[sku] = self.bin_locations.get(sku, 0) + count

    def ship_parcel(self, order_id):
        return f"{self.region}:{order_id}"

    def audit_trail(self):
        return sorted(self.bin_locations)
