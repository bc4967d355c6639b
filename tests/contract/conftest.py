"""A real PostgreSQL for the contract suite: initdb into a temporary folder, run it
on a Unix socket, drop it at the end. Skips with the reason where it cannot run."""

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

PG_BIN = Path(os.environ.get("GLASSES_PG_BIN", "/usr/lib/postgresql/15/bin"))


def _as_postgres(cmd: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: drop to the ``postgres`` user when root."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def postgres_dsn(tmp_path_factory):
    if not (PG_BIN / "initdb").exists():
        pytest.skip(f"PostgreSQL binaries not found in {PG_BIN} (make sysdeps installs them)")
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        pytest.skip("running as root without runuser: cannot start PostgreSQL")
    root = tmp_path_factory.mktemp("pg")
    data, sock = root / "data", root / "sock"
    sock.mkdir()
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
        shutil.chown(sock, "postgres")
        root.chmod(0o755)
        for parent in root.parents:  # let postgres reach its folder
            if parent == Path("/"):
                break
            parent.chmod(parent.stat().st_mode | 0o711)
    run = lambda cmd: subprocess.run(_as_postgres(cmd), check=True, capture_output=True)  # noqa: E731
    try:
        run(
            [str(PG_BIN / "initdb"), "-D", str(data), "-U", "glasses", "--auth=trust", "-E", "UTF8"]
        )
        port = _free_port()
        run(
            [
                str(PG_BIN / "pg_ctl"),
                "-D",
                str(data),
                "-w",
                "-l",
                str(root / "log"),
                "-o",
                f"-k {sock} -p {port} -c listen_addresses='' -c fsync=on",
                "start",
            ]
        )
    except subprocess.CalledProcessError as exc:
        pytest.skip(f"PostgreSQL could not start: {exc.stderr.decode(errors='replace')[-300:]}")
    dsn = f"postgresql://glasses@/postgres?host={sock}&port={port}"
    yield dsn
    subprocess.run(
        _as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"])
    )


@pytest.fixture
def fresh_pg(postgres_dsn):
    """An empty database per test."""
    import psycopg

    name = f"t{time.time_ns()}"
    with psycopg.connect(postgres_dsn, autocommit=True) as db:
        db.execute(f"CREATE DATABASE {name}")
    yield postgres_dsn.replace("/postgres?", f"/{name}?")
    with psycopg.connect(postgres_dsn, autocommit=True) as db:
        db.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(params=["sqlite", "postgres"])
def store(request, tmp_path):
    """Each contract test runs against both stores."""
    from server.store import PostgresSampleStore, SqliteSampleStore

    if request.param == "sqlite":
        s = SqliteSampleStore(tmp_path / "store")
    else:
        s = PostgresSampleStore(request.getfixturevalue("fresh_pg"), tmp_path / "blobs")
    yield s
    s.close()
