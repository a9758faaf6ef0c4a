"""A throwaway PostgreSQL server for tests and benchmarks: initdb into a temporary
folder, listening on a Unix socket in another temporary folder (never TCP), stopped and
removed afterwards.

Run as root, the server runs as the `postgres` system user (PostgreSQL refuses root), so
both folders are given to that user. Each caller gets its own database or schema; the
server is shared, across the test processes of one run too (`shared_server`).
"""

from __future__ import annotations

import fcntl
import os
import pwd
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path
from urllib.parse import quote

# Where the server's programs are looked for besides PATH (Debian keeps them here).
SEARCH_DIRS = ("/usr/local/bin", *sorted(str(p) for p in Path("/usr/lib/postgresql").glob("*/bin")))
HOW_TO_GET = (
    "no PostgreSQL server programs (initdb, pg_ctl, postgres) were found on PATH or in "
    "/usr/lib/postgresql/*/bin; install them (Debian/Ubuntu: apt-get install postgresql, "
    "macOS: brew install postgresql) to run the PostgreSQL tests"
)


def find_binaries() -> dict[str, str] | None:
    """Paths of initdb and pg_ctl, or None when the server is not installed."""
    found = {}
    for name in ("initdb", "pg_ctl", "postgres"):
        path = shutil.which(name) or next(
            (str(Path(d) / name) for d in SEARCH_DIRS if (Path(d) / name).is_file()), None
        )
        if path is None:
            return None
        found[name] = path
    return found


class PostgresServer:
    """A running throwaway server; `url(dbname)` addresses one of its databases. Given the
    folder of a server already running (`running_in`), it is that server."""

    def __init__(self, binaries: dict[str, str], running_in: Path | None = None) -> None:
        self.binaries = binaries
        self.root = running_in or Path(tempfile.mkdtemp(prefix="claimdesk-pg-"))
        self.data = self.root / "data"
        self.socket_dir = self.root / "socket"
        self.log = self.root / "server.log"
        self.as_user: list[str] = []
        self.user = pwd.getpwuid(os.getuid()).pw_name
        if os.getuid() == 0:
            self.as_user = ["runuser", "-u", "postgres", "--"]
            self.user = "postgres"
        if running_in is not None:
            return
        self.socket_dir.mkdir()
        if os.getuid() == 0:
            account = pwd.getpwnam("postgres")
            for path in (self.root, self.socket_dir):
                os.chown(path, account.pw_uid, account.pw_gid)
        self._run(self.binaries["initdb"], "-D", str(self.data), "-A", "trust", "-U", self.user,
                  "-E", "UTF8", "--locale=C.UTF-8", "--no-sync")
        self.start()

    def start(self) -> None:
        options = (f"-k {self.socket_dir} -c listen_addresses='' -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off")
        self._run(self.binaries["pg_ctl"], "-D", str(self.data), "-l", str(self.log),
                  "-o", options, "-w", "start")

    def shut_down(self) -> None:
        """Stop the server as an administrator would (its clients' connections are
        ended), keeping its data for `start`."""
        self._run(self.binaries["pg_ctl"], "-D", str(self.data), "-m", "fast", "-w", "stop")

    def _run(self, *command: str) -> None:
        result = subprocess.run([*self.as_user, *command], capture_output=True, text=True)
        if result.returncode != 0:
            log = self.log.read_text() if self.log.exists() else ""
            raise RuntimeError(f"{' '.join(command)} failed: {result.stderr}{result.stdout}{log}")

    def url(self, dbname: str = "postgres", *, options: str = "") -> str:
        extra = f"&options={quote(options)}" if options else ""
        return f"postgresql://{self.user}@/{dbname}?host={quote(str(self.socket_dir), safe='')}{extra}"

    def admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(sql)

    def new_database(self) -> str:
        """A new empty database; its URL."""
        name = f"claimdesk_{uuid.uuid4().hex[:12]}"
        self.admin(f"CREATE DATABASE {name}")
        return self.url(name)

    def drop_database(self, url: str) -> None:
        name = url.split("?", 1)[0].rsplit("/", 1)[1]
        self.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def ended_backends_cpu(self) -> float:
        """CPU seconds (user + system) of the server's processes that have ended (each
        connection's backend, counted once it exits): for benchmarks. NaN where /proc
        cannot tell."""
        try:
            pid = (self.data / "postmaster.pid").read_text().split()[0]
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            # cutime and cstime: fields 16 and 17 of stat, 14 and 15 after the name.
            return (int(fields[13]) + int(fields[14])) / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError, ValueError):
            return float("nan")

    def stop(self) -> None:
        try:
            if (self.data / "postmaster.pid").exists():  # not left shut down by a test
                self._run(self.binaries["pg_ctl"], "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def shared_server(binaries: dict[str, str], folder: Path) -> PostgresServer:
    """The one server of a test run whose processes share `folder`: the first process to
    ask starts it, the others use it (a lock on a file in `folder` orders them);
    `stop_shared_server` stops it once the run is over."""
    started = folder / "postgres-root"
    with (folder / "postgres.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if started.exists():
            return PostgresServer(binaries, running_in=Path(started.read_text(encoding="utf-8")))
        server = PostgresServer(binaries)
        started.write_text(str(server.root), encoding="utf-8")
        return server


def stop_shared_server(folder: Path) -> None:
    """Stop the server `shared_server` started in `folder`, if any process started one."""
    started = folder / "postgres-root"
    binaries = find_binaries()
    if started.exists() and binaries is not None:
        PostgresServer(binaries, running_in=Path(started.read_text(encoding="utf-8"))).stop()
