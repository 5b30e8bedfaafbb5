"""A module the model cannot see while completing its users (only Jedi reads it)."""


class Warehouse:
    def __init__(self, region):
        self.region = region
        self.bin_locations = {}

    def restock_shelf(self, sku, count):
        self.bin_locations[sku] = self.bin_locations.get(sku, 0) + count

    def ship_parcel(self, order_id):
        return f"{self.region}:{order_id}"

    def audit_trail(self):
        return sorted(self.bin_locations)
