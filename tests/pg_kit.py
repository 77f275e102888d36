"""A throwaway PostgreSQL server for the store tests: pytest-postgresql's executor over Debian's binaries
(``apt-get install postgresql``; ``make test`` tries to), run as the ``postgres`` user when the tests run as
root. Every caller gets a ``pytest.skip`` with the reason when the binaries or psycopg are missing."""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

WRAPPER = Path(__file__).resolve().parent / "pg_ctl_as_postgres"


def _pg_ctl() -> str | None:
    found = os.environ.get("QA_PG_CTL") or shutil.which("pg_ctl")
    if found:
        return found
    debian = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return debian[-1] if debian else None


def _free_port() -> int:
    with contextlib.closing(socket.socket()) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def postgres_server(dbname: str = "qa_test") -> Iterator[str]:
    """A running server with one empty database; yields its ``postgresql://`` URL, stops and removes it after."""
    pytest.importorskip("psycopg", reason="psycopg is not installed (pip install 'gongo-qa[test]')")
    executors = pytest.importorskip("pytest_postgresql.executors", reason="pytest-postgresql is not installed")
    from pytest_postgresql.janitor import DatabaseJanitor

    pg_ctl = _pg_ctl()
    if pg_ctl is None:
        pytest.skip("PostgreSQL binaries not found (apt-get install -y postgresql; or set QA_PG_CTL)")
    executable, owner = pg_ctl, None
    if os.geteuid() == 0:
        try:
            owner = pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root and there is no postgres user to run PostgreSQL as")
        if shutil.which("runuser") is None:
            pytest.skip("running as root and runuser is missing")
        os.environ["QA_PG_CTL_REAL"] = str(Path(pg_ctl).resolve())
        executable = str(WRAPPER)
    root = Path(tempfile.mkdtemp(prefix="qa-pg-"))
    if owner is not None:
        os.chown(root, owner.pw_uid, owner.pw_gid)
    port = _free_port()
    proc = executors.PostgreSQLExecutor(executable=executable, host="127.0.0.1", port=port,
                                        datadir=str(root / "data"), unixsocketdir=str(root), logfile=str(root / "log"),
                                        startparams="-w", dbname=dbname, user="postgres", timeout=60)
    try:
        proc.start()
    except Exception as exc:  # noqa: BLE001 - a server that cannot start here is a skip, with its log
        log = (root / "log").read_text(errors="replace")[-500:] if (root / "log").is_file() else ""
        shutil.rmtree(root, ignore_errors=True)
        pytest.skip(f"PostgreSQL did not start: {type(exc).__name__}: {exc} {log}")
    try:
        with DatabaseJanitor(user="postgres", host="127.0.0.1", port=port, dbname=dbname, version=proc.version):
            yield f"postgresql://postgres@127.0.0.1:{port}/{dbname}"
    finally:
        with contextlib.suppress(Exception):
            proc.stop()
        shutil.rmtree(root, ignore_errors=True)
