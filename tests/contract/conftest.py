"""A real PostgreSQL for the contract suite (``tests/support/pgtemp.py``). Where it
cannot run, the PostgreSQL half of the suite skips with the reason (what is
missing, how to install it), which ``-ra`` prints in the summary. Every
contract test runs against both stores."""

import time

import pytest

from tests.support.pgtemp import (
    PostgresUnavailable,
    create_database,
    drop_database,
    temporary_postgres,
)


@pytest.fixture(scope="session")
def postgres_dsn():
    try:
        with temporary_postgres() as dsn:
            yield dsn
    except PostgresUnavailable as exc:
        pytest.skip(f"PostgreSQL contract tests skipped: {exc}")


@pytest.fixture
def fresh_pg(postgres_dsn):
    """An empty database per test."""
    name = f"t{time.time_ns()}"
    yield create_database(postgres_dsn, name)
    drop_database(postgres_dsn, name)


@pytest.fixture(params=["sqlite", "postgres"])
def store(request, tmp_path):
    from server.store import PostgresSampleStore, SqliteSampleStore

    if request.param == "sqlite":
        s = SqliteSampleStore(tmp_path / "store")
    else:
        s = PostgresSampleStore(request.getfixturevalue("fresh_pg"), tmp_path / "blobs")
    yield s
    s.close()
