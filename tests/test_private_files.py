"""Files that hold personal data or secrets are created readable by Tendril's user only."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from tests.test_cli import tendril

pytestmark = pytest.mark.slow


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_init_creates_the_database_secret_key_and_admin_login_mode_0600(tmp_path):
    result = tendril(tmp_path, "init")

    assert result.returncode == 0, result.stderr
    database = tmp_path / "cli.sqlite3"
    wal = tmp_path / "cli.sqlite3-wal"
    assert mode(database) == 0o600
    assert not wal.exists() or mode(wal) == 0o600
    assert mode(tmp_path / "var" / "secret_key") == 0o600
    assert mode(tmp_path / "var" / "initial-admin.txt") == 0o600
    assert mode(tmp_path / "var") == 0o700
