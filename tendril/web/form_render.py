"""What the form template (``web/_form.html``) needs to show one form as a visitor fills it:
its fields with what was typed and what is wrong, the consent box, the timing token and the
honeypot. Shared by the form's own page (``/f/<key>``) and a landing page's form block, so a
form looks and behaves the same in both places."""

from __future__ import annotations

from typing import Any

from django.utils import translation

from tendril.web import services
from tendril.web.models import Form

# The trap field robots fill and people never see.
HONEYPOT = "website"


def form_context(
    form: Form,
    *,
    values: dict[str, Any],
    errors: dict[str, str],
    done: bool = False,
    download: str = "",
    action: str = "",
    landing: str = "",
    prefix: str = "",
    preview: bool = False,
) -> dict[str, Any]:
    """The template's context; ``action`` is where the form posts (empty: the page itself),
    ``landing`` the slug of the landing page it is on, ``prefix`` makes its element ids unique
    on a page with several forms."""
    return {
        "form": form,
        "fields": [
            {**spec, "value": values.get(spec["key"], ""), "error": errors.get(spec["key"])}
            for spec in form.fields
        ],
        "errors": errors,
        "done": done,
        "download": download,
        "shown": services.render_token(),
        "honeypot": HONEYPOT,
        "visitor": values.get("_v", ""),
        "page": values.get("_page", ""),
        "consent": values.get("consent") in ("on", True),
        "lang": translation.get_language(),
        "action": action,
        "landing": landing,
        "prefix": prefix,
        "preview": preview,
    }
