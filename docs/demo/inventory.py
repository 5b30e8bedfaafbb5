"""A small module to try ghostwise on (`make demo` completes line 16 after `self.`)."""

import os.path


class Inventory:
    def __init__(self, root):
        self.root = root
        self.items_by_sku = {}

    def add_item(self, sku, quantity):
        self.items_by_sku[sku] = self.items_by_sku.get(sku, 0) + quantity

    def report_path(self):
        name = "inventory.csv"
        return os.path.join(self.
