"""A throw-away PostgreSQL server on 127.0.0.1 for the test run (initdb into a temporary folder)."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path


def find_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresServer:
    def __init__(self):
        self.initdb = find_bin("initdb")
        self.pg_ctl = find_bin("pg_ctl")
        if not (self.initdb and self.pg_ctl):
            raise FileNotFoundError("PostgreSQL server binaries (initdb, pg_ctl) not found")
        self.base = Path(tempfile.mkdtemp(prefix="gfmis-pg-"))
        self.base.chmod(0o755)
        self.data = self.base / "data"
        self.port = _free_port()
        self._prefix: list[str] = []
        if os.geteuid() == 0:  # initdb refuses to run as root: run it as the postgres user
            self._prefix = ["runuser", "-u", "postgres", "--"]
            shutil.chown(self.base, "postgres")

    def _run(self, *args: str) -> None:
        subprocess.run([*self._prefix, *args], check=True, capture_output=True, text=True)

    def start(self) -> str:
        self._run(self.initdb, "-D", str(self.data), "-U", "sandbox", "--auth=trust", "-E", "UTF8", "--no-locale")
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.base} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._run(self.pg_ctl, "-D", str(self.data), "-o", options, "-l", str(self.base / "log"), "-w", "start")
        return f"postgresql+psycopg://sandbox@127.0.0.1:{self.port}/postgres"

    def stop(self) -> None:
        try:
            self._run(self.pg_ctl, "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.base, ignore_errors=True)
