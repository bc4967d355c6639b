"""A throwaway PostgreSQL cluster: ``initdb`` into a folder, serve on a Unix socket,
stop at the end. Used by the contract suite and ``bench/store.py``.

Works with whichever PostgreSQL server is installed: the binaries are looked
for in ``$GLASSES_PG_BIN`` (when set, only there), then ``pg_config --bindir``,
then ``/usr/lib/postgresql/*/bin`` and ``/usr/pgsql-*/bin`` (newest version
first), then ``PATH``. Where none is found, or it cannot start,
:class:`PostgresUnavailable` says what is missing and how to install it.
As root it runs the server as the ``postgres`` user, since PostgreSQL
refuses to run as root.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

BIN_ENV = "GLASSES_PG_BIN"  # the folder holding initdb and pg_ctl, if not found by itself
NEEDED = ("initdb", "pg_ctl")
INSTALL_HINT = (
    "install the PostgreSQL server (Debian/Ubuntu: `sudo apt-get install postgresql`, "
    "or `make sysdeps`; macOS: `brew install postgresql`) or set "
    f"{BIN_ENV} to the folder that holds initdb and pg_ctl"
)


class PostgresUnavailable(RuntimeError):
    """PostgreSQL cannot be started here (the message says why and what to do)."""


def _has_server(folder: Path) -> bool:
    return all(os.access(folder / name, os.X_OK) for name in NEEDED)


def _version_key(folder: Path) -> tuple[int, ...]:
    """(16,) for /usr/lib/postgresql/16/bin, (9, 6) for .../9.6/bin; () if unnumbered."""
    return tuple(int(n) for n in re.findall(r"\d+", folder.parent.name))


def _pg_config_bindir() -> Path | None:
    pg_config = shutil.which("pg_config")
    if pg_config is None:
        return None
    try:
        out = subprocess.run(
            [pg_config, "--bindir"], capture_output=True, text=True, timeout=10, check=True
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return Path(out.stdout.strip()) if out.stdout.strip() else None


def candidate_bindirs() -> list[Path]:
    """Where the server binaries may be, in the order they are tried."""
    found: list[Path] = []
    if (bindir := _pg_config_bindir()) is not None:
        found.append(bindir)
    for pattern in ("/usr/lib/postgresql/*/bin", "/usr/pgsql-*/bin"):
        found += sorted(map(Path, glob.glob(pattern)), key=_version_key, reverse=True)
    if (initdb := shutil.which("initdb")) is not None:
        found.append(Path(initdb).resolve().parent)
    return list(dict.fromkeys(found))  # first occurrence wins


def find_bindir() -> Path:
    """The folder holding ``initdb`` and ``pg_ctl`` (see the module's docstring)."""
    if explicit := os.environ.get(BIN_ENV):
        folder = Path(explicit)
        if not _has_server(folder):
            raise PostgresUnavailable(
                f"{BIN_ENV}={explicit} holds no initdb and pg_ctl; point it at the "
                "server's bin folder or unset it to search the usual places"
            )
        return folder
    tried = candidate_bindirs()
    for folder in tried:
        if _has_server(folder):
            return folder
    where = ", ".join(map(str, tried)) or "pg_config, /usr/lib/postgresql/*/bin, PATH"
    raise PostgresUnavailable(
        f"no PostgreSQL server binaries (initdb, pg_ctl) found (looked in: {where}); "
        + INSTALL_HINT
    )


def server_version(bindir: Path) -> str:
    """E.g. ``PostgreSQL 15.8``, for a benchmark's machine line."""
    out = subprocess.run([str(bindir / "pg_ctl"), "--version"], capture_output=True, text=True)
    return out.stdout.strip().replace("pg_ctl (PostgreSQL)", "PostgreSQL") or "PostgreSQL ?"


def _as_postgres(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


def _check_root() -> None:
    """As root the server runs as ``postgres``: that needs runuser and the user."""
    if os.geteuid() != 0:
        return
    if shutil.which("runuser") is None:
        raise PostgresUnavailable(
            "running as root without runuser (util-linux), so PostgreSQL, which refuses "
            "to run as root, cannot be started as the postgres user; run the tests as "
            "an ordinary user"
        )
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        raise PostgresUnavailable(
            "running as root and there is no 'postgres' user to run the server as "
            "(PostgreSQL refuses to run as root); " + INSTALL_HINT + ", which creates it"
        ) from None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def temporary_postgres() -> Iterator[str]:
    """Run a cluster; yield the DSN of its ``postgres`` database.

    The cluster lives in a fresh folder under the system's temporary folder,
    removed at the end. Not under pytest's ``tmp_path``: as root the server runs
    as ``postgres`` and must reach its folder through every parent, and pytest
    makes its folders private (0700) again whenever another run starts.
    """
    bindir = find_bindir()
    _check_root()
    root = Path(tempfile.mkdtemp(prefix="glasses-pg-"))
    data, sock, log = root / "data", root / "sock", root / "log"
    sock.mkdir()
    if os.geteuid() == 0:
        for folder in (root, sock):
            shutil.chown(folder, "postgres")

    def run(cmd: list[str]) -> None:
        subprocess.run(_as_postgres(cmd), check=True, capture_output=True)

    try:
        port = _free_port()
        try:
            run(
                [
                    str(bindir / "initdb"),
                    *("-D", str(data), "-U", "glasses", "--auth=trust", "-E", "UTF8"),
                ]
            )
            run(
                [
                    str(bindir / "pg_ctl"),
                    *("-D", str(data), "-w", "-l", str(log)),
                    *("-o", f"-k {sock} -p {port} -c listen_addresses='' -c fsync=on", "start"),
                ]
            )
        except subprocess.CalledProcessError as exc:
            # pg_ctl says "examine the log output": the reason is in the log
            why = exc.stderr.decode(errors="replace")[-300:]
            if log.exists():
                why += " | server log: " + log.read_text(errors="replace")[-300:]
            raise PostgresUnavailable(f"PostgreSQL ({bindir}) could not start: {why}") from exc
        try:
            yield f"postgresql://glasses@/postgres?host={sock}&port={port}"
        finally:
            subprocess.run(
                _as_postgres([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
                capture_output=True,
            )
    finally:
        shutil.rmtree(root, ignore_errors=True)


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
