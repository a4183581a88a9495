"""``tendril status`` and ``tendril deadletters``: what an operator sees in a terminal."""

from __future__ import annotations

import pytest

from tendril.cli import main
from tendril.core.models import DeadLetter
from tendril.core.services import event_record

pytestmark = pytest.mark.django_db


def test_tendril_status_prints_each_consumers_lag(capsys):
    event_record(contact_id=None, type="custom:visit")

    code = main(["status"])

    out = capsys.readouterr().out
    assert code == 0
    assert out.splitlines()[0].startswith("Tendril: ok (background work: ")
    row = next(line for line in out.splitlines() if line.startswith("contacts.last_seen"))
    assert row.split()[1] == "1"  # one event behind
    assert row.split()[-1] == "ok"


def test_tendril_status_exits_3_when_a_consumer_parked_events(capsys, poisoned):
    with pytest.raises(SystemExit) as stopped:
        main(["status"])

    assert stopped.value.code == 3
    assert "Tendril: lagging" in capsys.readouterr().out


def test_tendril_deadletters_lists_and_skips(capsys, poisoned):
    assert main(["deadletters", "list"]) == 0
    listed = capsys.readouterr().out
    assert f"event {poisoned.event_id} (custom:poison): ValueError: no poison please" in listed

    assert main(["deadletters", "skip", str(poisoned.pk)]) == 0

    assert "skipped" in capsys.readouterr().out
    assert DeadLetter.objects.get(pk=poisoned.pk).resolved_by == "system"
    assert main(["deadletters", "skip", str(poisoned.pk)]) == 1
