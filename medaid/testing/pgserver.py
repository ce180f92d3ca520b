"""A throwaway PostgreSQL server for tests and benchmarks: initdb in a temporary directory, a free port.

The server binaries come from Debian's ``postgresql`` package (``/usr/lib/postgresql/<n>/bin``) or from
``PATH``. PostgreSQL refuses to run as root, so as root the server runs as the unprivileged user
``nobody`` (or, where there is none, a system user ``medaid-pg`` made with ``useradd``), its directory
chowned to it; as any other user it runs as that user. Clients connect
over TCP on 127.0.0.1 as the superuser ``postgres`` with trust authentication: this server is for tests,
never for data.

>>> find_bin_dir() is None or (find_bin_dir() / "initdb").exists()
True
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from medaid.errors import N_, PgServerError

__all__ = ["PgServer", "PgServerError", "find_bin_dir"]

_USER = "nobody"
_FALLBACK_USER = "medaid-pg"


def find_bin_dir() -> Path | None:
    """The directory holding ``initdb`` and ``pg_ctl``: the newest Debian one, else the one on ``PATH``."""
    debian = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: int(Path(p).parent.parent.name) if Path(p).parent.parent.name.isdigit() else 0,
    )
    if debian:
        return Path(debian[-1]).parent
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def _unprivileged_user() -> pwd.struct_passwd:
    """``nobody``, else a system user made for the purpose (as root only)."""
    for name in (_USER, _FALLBACK_USER):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            pass
    done = subprocess.run(
        ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", _FALLBACK_USER],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise PgServerError(
            N_("no user 'nobody' to run PostgreSQL as, and useradd failed: {reason}"), reason=done.stderr.strip()
        )
    return pwd.getpwnam(_FALLBACK_USER)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PgServer:
    """One PostgreSQL server in a temporary directory; :meth:`start` it, :meth:`destroy` it when done.

    Args:
        durable: keep ``fsync`` on (benchmarks); off by default, which is safe against a crash of the
            server (an immediate stop, a killed backend) but not of the machine, and makes tests faster.
    """

    def __init__(self, *, durable: bool = False) -> None:
        self.bin_dir = find_bin_dir()
        if self.bin_dir is None:
            raise PgServerError(
                N_(
                    "no PostgreSQL server binaries (initdb, pg_ctl) in /usr/lib/postgresql/*/bin or on PATH: install Debian's postgresql package (apt-get install postgresql)"
                )
            )
        self.durable = durable
        self.root = Path(tempfile.mkdtemp(prefix="medaid-pg-"))
        self.data = self.root / "data"
        self.port = _free_port()
        self._as_user: dict = {}
        if os.geteuid() == 0:
            entry = _unprivileged_user()
            os.chown(self.root, entry.pw_uid, entry.pw_gid)
            self._as_user = {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": []}
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "--locale=C", "-E", "UTF8", "-N")
        options = [
            f"port={self.port}",
            "listen_addresses='127.0.0.1'",
            f"unix_socket_directories='{self.root}'",
            "max_connections=60",
            "shared_buffers=64MB",
        ]
        if not durable:
            options += ["fsync=off", "full_page_writes=off"]
        with (self.data / "postgresql.conf").open("a", encoding="utf-8") as conf:
            conf.write("\n# medaid.testing.pgserver\n" + "\n".join(options) + "\n")

    def _run(self, tool: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        done = subprocess.run(
            [str(self.bin_dir / tool), *args],
            capture_output=True,
            text=True,
            cwd=self.root,
            env={**os.environ, "LC_ALL": "C"},
            **self._as_user,
        )
        if check and done.returncode != 0:
            raise PgServerError(
                N_("{tool} failed ({returncode}): {reason}"),
                tool=tool,
                returncode=done.returncode,
                reason=done.stderr.strip() or done.stdout.strip(),
            )
        return done

    def dsn(self, dbname: str = "postgres", user: str = "postgres") -> str:
        """A connection URL for ``dbname`` on this server (TCP on 127.0.0.1)."""
        return f"postgresql://{user}@127.0.0.1:{self.port}/{dbname}"

    def start(self) -> PgServer:
        """Start the server and wait until it accepts connections."""
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.root / "server.log"), "-w", "-t", "60", "start")
        return self

    def stop(self, mode: str = "fast") -> None:
        """Stop the server: ``fast`` (clean) or ``immediate`` (as a crash: no checkpoint, recovery at the next start)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop", check=False)

    def running(self) -> bool:
        return self._run("pg_ctl", "-D", str(self.data), "status", check=False).returncode == 0

    def psql(self, sql: str, dbname: str = "postgres") -> str:
        """Run SQL through ``psql`` (no Python driver needed); the output, unaligned, tuples only."""
        done = subprocess.run(
            [
                str(self.bin_dir / "psql"),
                "-X",
                "-q",
                "-A",
                "-t",
                "-v",
                "ON_ERROR_STOP=1",
                "-d",
                self.dsn(dbname),
                "-c",
                sql,
            ],
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise PgServerError(N_("psql failed: {reason}"), reason=done.stderr.strip())
        return done.stdout

    def log(self) -> str:
        try:
            return (self.root / "server.log").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""

    def destroy(self) -> None:
        """Stop the server (immediately: its data is thrown away) and remove its directory."""
        if self.data.exists():
            self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> PgServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.destroy()


def wait_until(predicate, timeout: float = 30.0, step: float = 0.02) -> bool:
    """Poll ``predicate()`` until it is true or ``timeout`` seconds pass; whether it became true."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return bool(predicate())
