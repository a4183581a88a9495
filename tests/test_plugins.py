"""A new capability plugs in by being installed: its event types, consumers, periodic jobs,
menu entry and demo data are found without editing the kernel or any other app."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

SCRIPT = """
import json
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from tendril.contacts.ingest import NewEvent, events_ingest
from tendril.core.consumers import consumers_run_all, registered
from tendril.core.demo import demo_steps
from tendril.core.events import describe, event_types
from tendril.core.scheduler import beat_schedule
from tests.plugin_app.consumers import SEEN

result = events_ingest(items=[
    NewEvent(type="webinar_joined", email="ann@acme.io", properties={"webinar": "Scoring 101"}),
    NewEvent(type="webinar_joined", email="ann@acme.io", properties={}),
    NewEvent(type="page_view", email="ann@acme.io", properties={"url": "/"}),
])
consumers_run_all()
from django.test import Client
from tendril.accounts.models import User
client = Client()
client.force_login(User.objects.create_user("ann@tendril.test", "a long passphrase here"))
home = client.get("/").content.decode()
print(json.dumps({
    "menu": "Webinars" in home and 'href="/webinars/"' in home,
    "page": client.get("/webinars/").content.decode(),
    "public": not event_types()["webinar_joined"].system,
    "sentence": describe("webinar_joined", {"webinar": "Scoring 101"}),
    "rejected": [(i, e.message) for i, e in result.errors],
    "consumers": sorted(registered()),
    "seen": SEEN,
    "jobs": sorted(beat_schedule()),
    "demo": [step.name for step in demo_steps()],
}))
"""


def test_an_app_in_installed_apps_brings_its_event_types_consumers_jobs_menu_and_demo(tmp_path):
    root = Path(__file__).resolve().parent.parent
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "BROKER_URL")}
    env.update(
        DJANGO_SETTINGS_MODULE="tests.plugin_settings",
        DATABASE_URL=f"sqlite:///{tmp_path / 'plugin.sqlite3'}",
        TENDRIL_VAR_DIR=str(tmp_path / "var"),
        PYTHONPATH=str(root),
    )
    run = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env, cwd=root
    )
    assert run.returncode == 0, run.stderr
    found = json.loads(run.stdout.strip().splitlines()[-1])

    assert found["public"] is True
    assert found["sentence"] == "Joined the webinar Scoring 101"
    assert found["rejected"] == [[1, "a webinar_joined event needs the property 'webinar'"]]
    # The plug-in's consumer and demo step join the installed apps' own (which grow as apps are
    # added: only those this test relies on are named); its demo step runs last (order 90).
    assert {"contacts.last_seen", "plugin_app.webinars", "scoring", "segments", "alerts"} <= set(
        found["consumers"]
    )
    assert [webinar for _, webinar in found["seen"]] == ["Scoring 101"]
    assert "plugin_app.nightly" in found["jobs"]
    steps = ["accounts", "contacts", "tracking", "scoring", "web", "segments"]
    assert [step for step in found["demo"] if step in steps] == steps  # in order, others between
    assert found["demo"][-1] == "plugin_app" and "alerts" in found["demo"]
    assert found["menu"] is True
    assert found["page"] == "Upcoming webinars"
