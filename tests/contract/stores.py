"""Helpers for the contract suite."""


def tamper(store, sql: str) -> None:
    """Change the database behind the store's back (what an attacker with DB access does)."""
    store._run(sql)
