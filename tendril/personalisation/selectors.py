"""Reads of personalisation for the screens and the API: slots, pop-ups, and how each pop-up
did (visitors shown, displays, conversions, conversion rate)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from tendril.accounts.auth import Caller
from tendril.contacts.selectors import percent
from tendril.core.errors import first_or_not_found
from tendril.personalisation.models import Popup, Slot


def slot_list() -> QuerySet[Slot]:
    return (
        Slot.objects.select_related("site")
        .annotate(variant_count=Count("variants"))
        .order_by("name", "pk")
    )


def slot_get_for(viewer: Caller, slot_id: int) -> Slot:
    """A slot; 404 otherwise."""
    return first_or_not_found(
        Slot.objects.filter(pk=slot_id).select_related("site"),
        _("There is no slot %(id)s.") % {"id": slot_id},
    )


def popup_list() -> QuerySet[Popup]:
    return Popup.objects.select_related("site", "form").order_by("name", "pk")


def popup_get_for(viewer: Caller, popup_id: int) -> Popup:
    """A pop-up; 404 otherwise."""
    return first_or_not_found(
        Popup.objects.filter(pk=popup_id).select_related("site", "form"),
        _("There is no pop-up %(id)s.") % {"id": popup_id},
    )


@dataclass(frozen=True)
class PopupFigures:
    visitors: int  # browsers shown it at least once
    displays: int
    converted: int  # of those visitors, how many sent its form

    @property
    def rate(self) -> int:
        """Conversions per visitor shown, in percent."""
        return percent(self.converted, self.visitors) if self.visitors else 0


def popup_figures(*, popups: Iterable[Popup]) -> dict[int, PopupFigures]:
    """Each pop-up's figures, for a page of pop-ups in one grouped query."""
    rows = (
        Popup.objects.filter(pk__in=[p.pk for p in popups])
        .annotate(
            visitors=Count("displays"),
            displays_sum=Sum("displays__shown"),
            converted=Count("displays", filter=Q(displays__converted_at__isnull=False)),
        )
        .values_list("pk", "visitors", "displays_sum", "converted")
    )
    return {pk: PopupFigures(visitors=v, displays=d or 0, converted=c) for pk, v, d, c in rows}
