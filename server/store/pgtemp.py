"""A throwaway PostgreSQL cluster: ``initdb`` into a folder, serve on a Unix socket,
stop at the end. Used by the contract suite and ``bench/store.py``; needs the
Debian ``postgresql`` package (``make sysdeps``). As root it runs the server as
the ``postgres`` user, since PostgreSQL refuses to run as root."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

PG_BIN = Path(os.environ.get("GLASSES_PG_BIN", "/usr/lib/postgresql/15/bin"))


class PostgresUnavailable(RuntimeError):
    """PostgreSQL cannot be started here (the message says why)."""


def _as_postgres(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def temporary_postgres(root: Path) -> Iterator[str]:
    """Run a cluster under ``root``; yield the DSN of its ``postgres`` database."""
    if not (PG_BIN / "initdb").exists():
        raise PostgresUnavailable(f"PostgreSQL binaries not found in {PG_BIN} (make sysdeps)")
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        raise PostgresUnavailable("running as root without runuser: cannot start PostgreSQL")
    root.mkdir(parents=True, exist_ok=True)
    data, sock = root / "data", root / "sock"
    sock.mkdir(exist_ok=True)
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
        shutil.chown(sock, "postgres")
        root.chmod(0o755)
        for parent in root.parents:  # let postgres reach its folder
            if parent == Path("/"):
                break
            parent.chmod(parent.stat().st_mode | 0o711)

    def run(cmd: list[str]) -> None:
        subprocess.run(_as_postgres(cmd), check=True, capture_output=True)

    port = _free_port()
    try:
        run(
            [str(PG_BIN / "initdb"), "-D", str(data), "-U", "glasses", "--auth=trust", "-E", "UTF8"]
        )
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
        raise PostgresUnavailable(
            f"PostgreSQL could not start: {exc.stderr.decode(errors='replace')[-300:]}"
        ) from exc
    try:
        yield f"postgresql://glasses@/postgres?host={sock}&port={port}"
    finally:
        subprocess.run(
            _as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
            capture_output=True,
        )


def create_database(dsn: str, name: str) -> str:
    """Create database ``name`` on the cluster of ``dsn``; return its DSN."""
    import psycopg

    with psycopg.connect(dsn, autocommit=True) as db:
        db.execute(f"CREATE DATABASE {name}")
    return dsn.replace("/postgres?", f"/{name}?")


def drop_database(dsn: str, name: str) -> None:
    import psycopg

    with psycopg.connect(dsn, autocommit=True) as db:
        db.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
