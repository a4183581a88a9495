"""The ``tendril`` command as a newcomer runs it: real processes, a scratch SQLite database."""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.slow
WSGI_APP = "tendril.wsgi:application"


def environment(tmp_path: Path, **env: str) -> dict[str, str]:
    environ = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "BROKER_URL")}
    environ.update(
        TENDRIL_VAR_DIR=str(tmp_path / "var"),
        DATABASE_URL=f"sqlite:///{tmp_path / 'cli.sqlite3'}",
        **env,
    )
    return environ


def tendril(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tendril.cli", *args],
        capture_output=True,
        text=True,
        env=environment(tmp_path, **env),
        timeout=120,
    )


@contextmanager
def serving(tmp_path: Path) -> Iterator[int]:
    """The web app on the CLI's database, in its own process; yields its port."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "waitress", f"--listen=127.0.0.1:{port}", WSGI_APP],
        env=environment(tmp_path),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.1)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=10)


def api(port: int, key: str, method: str, path: str, body: object) -> tuple[int, Any]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    conn.request(method, path, body=json.dumps(body), headers=headers)
    response = conn.getresponse()
    answer = response.status, json.loads(response.read())
    conn.close()
    return answer


def test_a_malformed_setting_stops_with_one_line_and_no_traceback(tmp_path):
    result = tendril(tmp_path, "init", BROKER_URL="kafka://somewhere")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "tendril: configuration error: BROKER_URL must start with one of redis://, rediss://, "
        "amqp://, pyamqp:// (got 'kafka://somewhere')"
    ]


def test_init_is_idempotent_and_creates_the_admin_once(tmp_path):
    first = tendril(tmp_path, "init", TENDRIL_ADMIN_EMAIL="boss@acme.io")
    second = tendril(tmp_path, "init", TENDRIL_ADMIN_EMAIL="boss@acme.io")
    assert first.returncode == 0, first.stderr
    assert "Created the admin boss@acme.io with the password" in first.stdout
    assert second.returncode == 0, second.stderr
    assert "admin: boss@acme.io" in second.stdout
    assert (tmp_path / "var" / "initial-admin.txt").read_text().startswith("boss@acme.io")


def test_apikey_create_prints_a_working_key_alone_on_its_last_line(tmp_path):
    assert tendril(tmp_path, "init").returncode == 0
    result = tendril(tmp_path, "apikey", "create", "--name", "zapier", "--role", "sales")
    assert result.returncode == 0, result.stderr
    key = result.stdout.strip().splitlines()[-1]

    budget = {"label": "Budget", "type": "number"}
    with serving(tmp_path) as port:
        created = api(port, key, "POST", "/api/v1/contacts", {"email": "lead@acme.io"})
        refused = api(port, key, "POST", "/api/v1/custom-fields", budget)
        forged = api(port, key[:-1], "POST", "/api/v1/contacts", {"email": "x@acme.io"})

    assert created[0] == 201 and created[1]["email"] == "lead@acme.io"
    # The key acts as the sales rep it was made for: marketing's work is refused.
    assert refused[0] == 403
    assert forged[0] == 401


def test_commands_before_init_say_what_to_do(tmp_path):
    result = tendril(tmp_path, "demo")
    assert result.returncode == 1
    assert "run 'tendril init' first" in result.stderr


def test_the_import_command_prints_counts_that_add_up_to_the_rows_read(tmp_path):
    assert tendril(tmp_path, "init").returncode == 0
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    first.write_text("email\nann@acme.io\n")
    # Ann exists by now; Bo's second row repeats his first; line 4 is not an email.
    second.write_text(
        "email,first_name\nann@acme.io,Ann\nbo@beta.io,Bo\nnot-an-email,X\n"
        "BO@beta.io,Bobby\ncy@gamma.io,Cy\n"
    )
    assert tendril(tmp_path, "import", "contacts", str(first)).returncode == 0

    imported = tendril(tmp_path, "import", "contacts", str(second))

    assert imported.returncode == 0, imported.stderr
    summary = "5 rows read: 2 created, 1 updated, 1 merged into an earlier row, 1 rejected"
    assert summary in imported.stdout
    assert "row 4:" in imported.stdout


def test_import_then_export_round_trips_contacts(tmp_path):
    assert tendril(tmp_path, "init").returncode == 0
    source = tmp_path / "leads.csv"
    source.write_text("Email,First name,Company\nann@acme.io,Ann,Acme\nnot-an-email,Bo,\n")
    imported = tendril(tmp_path, "import", "contacts", str(source))
    assert imported.returncode == 0, imported.stderr
    assert "2 rows read: 1 created, 0 updated, 0 merged into an earlier row, 1 rejected" in (
        imported.stdout
    )
    assert "row 3:" in imported.stdout
    out = tmp_path / "out.csv"
    exported = tendril(tmp_path, "export", "contacts", "-o", str(out))
    assert exported.returncode == 0, exported.stderr
    lines = out.read_text().splitlines()
    assert lines[0].startswith("email,first_name,last_name")
    assert lines[1].startswith("ann@acme.io,Ann,")
