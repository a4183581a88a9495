"""``tendril run`` reminds a newcomer of the generated admin login, and keeps it out of logs."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client, override_settings

from tendril.accounts.services import admin_ensure
from tendril.cli import ADMIN_FILE, _login_hint
from tendril.core.files import private_write

pytestmark = pytest.mark.django_db


@pytest.fixture
def fresh_install(tmp_path: Path):
    admin, password = admin_ensure(email="admin@tendril.local", password=None)
    private_write(tmp_path / ADMIN_FILE, f"{admin.email}\n{password}\n")
    with override_settings(VAR_DIR=tmp_path):
        yield admin, password, tmp_path / ADMIN_FILE


def test_a_newcomer_at_a_terminal_reads_the_generated_login(fresh_install):
    admin, password, _ = fresh_install

    assert _login_hint(terminal=True) == f"Log in as {admin.email} with the password {password}"


def test_a_server_log_gets_where_the_password_is_never_the_password(fresh_install):
    admin, password, login_file = fresh_install

    hint = _login_hint(terminal=False)

    assert password not in hint
    assert hint == f"Log in as {admin.email} with the password in {login_file}"


def test_once_the_admin_has_signed_in_the_hint_is_gone_but_the_file_stays(fresh_install):
    admin, password, login_file = fresh_install
    signed_in = Client().post("/login/", {"username": admin.email, "password": password})

    assert signed_in.status_code == 302
    assert _login_hint(terminal=True) == ""
    assert _login_hint(terminal=False) == ""
    assert password in login_file.read_text()


def test_after_the_password_is_changed_there_is_no_hint(fresh_install):
    admin, _, _ = fresh_install
    admin.set_password("a brand new passphrase")
    admin.save()

    assert _login_hint(terminal=True) == ""
