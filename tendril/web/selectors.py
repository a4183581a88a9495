"""Reads of web forms."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from tendril.accounts.auth import Caller
from tendril.core.errors import first_or_not_found
from tendril.web.models import Form


def form_list() -> QuerySet[Form]:
    return Form.objects.order_by("name", "pk")


def form_get_for(viewer: Caller, form_id: int) -> Form:
    """A form; 404 otherwise (every role sees every form)."""
    return first_or_not_found(
        Form.objects.filter(pk=form_id), _("There is no form %(id)s.") % {"id": form_id}
    )
