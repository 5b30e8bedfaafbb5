import json
import os.path

from shop.models import Account, open_account


class Ledger:
    def __init__(self) -> None:
        self.entries: list[str] = []

    def add(self, entry: str) -> None:
        self.entries.append(entry)

    def total(self) -> int:
        return len(self.entries)


def main() -> None:
    account = Account("ada")
    account.deposit(3)
    print(json.dumps({}), os.path.join("a", "b"))
