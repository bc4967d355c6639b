"""Helpers for the contract suite: they reach the database behind the store's back."""

TABLES = ("samples", "sample_blobs", "devices", "consent_ledger", "deliveries")


def tamper(store, sql: str) -> None:
    """Change the database behind the store's back (what an attacker with DB access does)."""
    with store._lock:
        store._run(sql)


def everything_in(store) -> str:
    """Every row of every table, as one string (to prove something is gone)."""
    with store._lock:
        return repr([store._run(f"SELECT * FROM {t}").fetchall() for t in TABLES])
