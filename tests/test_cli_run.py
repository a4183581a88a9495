"""``tendril run`` refuses to serve pages without their built styles and scripts."""

from __future__ import annotations

import pytest

from tendril.cli import main


@pytest.mark.django_db
def test_run_without_built_static_files_stops_with_one_line_naming_make_static(monkeypatch, capsys):
    from django.contrib.staticfiles import finders

    real_find = finders.find
    monkeypatch.setattr(
        finders, "find", lambda path, **kw: None if path == "build/app.css" else real_find(path)
    )

    code = main(["run", "--port", "1"])

    err = capsys.readouterr().err.strip().splitlines()
    assert code == 1
    assert err == [
        "tendril: the web interface's static files are not built (build/app.css is missing): "
        "run 'make static' in a source checkout (it needs Node.js and npm)"
    ]
