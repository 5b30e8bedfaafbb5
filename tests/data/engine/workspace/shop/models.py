"""Accounts and a factory with keyword arguments."""


class Account:
    """A bank account."""

    def __init__(self, owner: str, balance: int = 0) -> None:
        self.owner = owner
        self.balance = balance

    def deposit(self, amount: int) -> int:
        self.balance += amount
        return self.balance

    def withdraw(self, amount: int) -> int:
        self.balance -= amount
        return self.balance


def open_account(owner: str, *, currency: str = "EUR", overdraft_limit: int = 0) -> Account:
    """Open an account (keyword-only options)."""
    return Account(owner)
