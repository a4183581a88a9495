"""What the benches share: a scratch PostgreSQL database, Django set up on a chosen checkout of
Tendril, and a real server (waitress) serving that checkout in a subprocess.

A bench given ``--tree /tmp/before`` (a ``git worktree`` of an older commit) measures that
code with the same script, so before and after are measured alike.
"""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, seconds: float = 30) -> None:
    """Return once a server accepts connections on ``port``; fail after ``seconds``."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise SystemExit(f"no server answered on port {port}") from None
            time.sleep(0.1)


def recreate_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def tendril_setup(*, tree: Path, database_url: str, broker_url: str = "") -> dict[str, str]:
    """Recreate the database, set Django up on ``tree``'s code and migrate; returns the
    environment a server of the same code needs."""
    recreate_database(database_url)
    env = {**os.environ, "DATABASE_URL": database_url, "TENDRIL_VAR_DIR": "/tmp/tendril-bench"}
    env.pop("BROKER_URL", None)
    if broker_url:
        env["BROKER_URL"] = broker_url
    env["PYTHONPATH"] = str(tree)
    env["DJANGO_SETTINGS_MODULE"] = "tendril.settings"
    os.environ.update(env)
    sys.path.insert(0, str(tree))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return env


def commit_of(tree: Path) -> str:
    return subprocess.run(
        ["git", "-C", str(tree), "log", "-1", "--format=%h %cs"], capture_output=True, text=True
    ).stdout.strip()


class Server:
    """A running server; ``errors`` holds the lines of its log that name an error (filled in
    when it stops)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.errors: list[str] = []


@contextmanager
def serving(env: dict[str, str], *, threads: int, worker: bool = False) -> Iterator[Server]:
    """Serve ``tendril.wsgi`` of ``env``'s checkout with waitress until the block ends; with
    ``worker``, as ``tendril run`` (the same waitress, and the in-process worker and scheduler
    running every periodic job, when ``env`` names no broker). The log goes to a file: a pipe
    nobody reads fills up with the tracebacks of failing requests and then blocks the server."""
    server = Server(free_port())
    bin = Path(sys.executable).parent
    if worker:
        command = [str(bin / "tendril"), "run", f"--port={server.port}", f"--threads={threads}"]
        command.append("--host=127.0.0.1")
    else:
        command = [str(bin / "waitress-serve"), f"--port={server.port}", f"--threads={threads}"]
        command += ["--host=127.0.0.1", "tendril.wsgi:application"]
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            command,
            cwd=env["PYTHONPATH"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_for_port(server.port)
            yield server
        finally:
            process.terminate()
            process.wait(timeout=30)
            log.seek(0)
            lines = log.read().decode(errors="replace").splitlines()
            server.errors = [line for line in lines if "Error" in line]


def post_all(
    port: int,
    path: str,
    bodies: list[bytes],
    *,
    headers: dict[str, str],
    clients: int,
    accepted: Callable[[int, bytes], bool],
) -> float:
    """POST every body to ``path`` from ``clients`` threads over keep-alive connections; returns
    the seconds it took. Stops the bench if any answer is not ``accepted(status, payload)``."""
    queue = list(bodies)
    lock = threading.Lock()
    failures: list[str] = []

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        while True:
            with lock:
                if not queue:
                    break
                body = queue.pop()
            conn.request("POST", path, body=body, headers=headers)
            response = conn.getresponse()
            payload = response.read()
            if not accepted(response.status, payload):
                failures.append(f"{response.status} {payload[:200]!r}")
        conn.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    took = time.perf_counter() - started
    if failures:
        raise SystemExit(f"{path} failed: {failures[0]}")
    return took
