"""Reads of web forms and of their submissions (``form_submit`` in the event log)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, QuerySet
from django.db.models.fields.json import KeyTextTransform
from django.utils.translation import gettext as _

from tendril.accounts.auth import Caller
from tendril.contacts.models import Contact
from tendril.core.errors import first_or_not_found
from tendril.core.models import Event
from tendril.web.models import Asset, Form


def form_list() -> QuerySet[Form]:
    return Form.objects.order_by("name", "pk")


def form_get_for(viewer: Caller, form_id: int) -> Form:
    """A form; 404 otherwise (every role sees every form)."""
    return first_or_not_found(
        Form.objects.filter(pk=form_id), _("There is no form %(id)s.") % {"id": form_id}
    )


def _submissions(form: Form) -> QuerySet[Event]:
    return Event.objects.filter(type="form_submit", properties__form_id=form.pk)


def form_submission_count(*, form: Form, since: datetime) -> int:
    """How many times the form was sent since ``since``, from the event log (the type and time
    index narrows it; the form is then matched in the properties)."""
    return _submissions(form).filter(occurred_at__gte=since).count()


def form_submission_counts(*, forms: Iterable[Form], since: datetime) -> dict[int, int]:
    """The same count for a page of forms in one grouped query (the list showed one query per
    form)."""
    ids = [form.pk for form in forms]
    rows = (
        Event.objects.filter(
            type="form_submit", occurred_at__gte=since, properties__form_id__in=ids
        )
        .values_list(KeyTextTransform("form_id", "properties"))
        .annotate(n=Count("id"))
        .order_by()
    )
    return {int(form_id): n for form_id, n in rows if form_id is not None}


@dataclass(frozen=True)
class FormSubmission:
    contact: Contact | None  # None once the contact was erased
    occurred_at: datetime
    page: str


def form_submissions_recent(*, form: Form, limit: int) -> list[FormSubmission]:
    """The latest submissions of the form, newest first, with who sent each and from which
    page."""
    events = list(_submissions(form).order_by("-occurred_at", "-pk")[:limit])
    contacts = Contact.objects.in_bulk({e.contact_id for e in events if e.contact_id})
    return [
        FormSubmission(
            contact=contacts.get(e.contact_id) if e.contact_id else None,
            occurred_at=e.occurred_at,
            page=str(e.properties.get("url", "")),
        )
        for e in events
    ]


def asset_list() -> QuerySet[Asset]:
    return Asset.objects.order_by("name", "pk")


def asset_get_for(viewer: Caller, asset_id: int) -> Asset:
    return first_or_not_found(
        Asset.objects.filter(pk=asset_id), _("There is no file %(id)s.") % {"id": asset_id}
    )
