"""A real PostgreSQL for the contract suite (``server.store.pgtemp``); skips with the
reason where it cannot run. Every contract test runs against both stores."""

import time

import pytest

from server.store.pgtemp import (
    PostgresUnavailable,
    create_database,
    drop_database,
    temporary_postgres,
)


@pytest.fixture(scope="session")
def postgres_dsn(tmp_path_factory):
    try:
        with temporary_postgres(tmp_path_factory.mktemp("pg")) as dsn:
            yield dsn
    except PostgresUnavailable as exc:
        pytest.skip(str(exc))


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
