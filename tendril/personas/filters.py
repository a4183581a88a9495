"""Segment filters on buying stages: ``{"field": "buying_stage.<dimension id>", "op": "eq",
"value": "searching"}`` (also ``neq``, ``in`` with a list of stage keys, and ``exists``: stands
at some stage of that dimension). Registered with the filter language when the app starts
(``tendril.segments.dsl.field_prefix``), so segments never import personas.

Membership stays current without anything more: each move records ``buying_stage_changed``,
an event naming the contact, which the segments consumer re-evaluates like any other.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from tendril.core.conditions import OPS as ALL_OPS
from tendril.core.errors import InvalidInput
from tendril.personas.models import BuyingStageDimension, ContactBuyingStage
from tendril.personas.selectors import dimension_list
from tendril.personas.services import unknown_stage
from tendril.segments.dsl import PrefixedField

PREFIX = "buying_stage."
OPS = ("eq", "neq", "in", "exists")
MAX_VALUES = 100


def _at(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _dimension(rest: str) -> BuyingStageDimension | None:
    if not rest.isdigit() or len(rest) > 18:
        return None
    return BuyingStageDimension.objects.filter(pk=int(rest)).first()


def buying_stage_condition(rest: str, op: str, value: object, path: str) -> Q:
    """The contacts a buying-stage condition matches (``rest`` is the dimension's id);
    InvalidInput names the condition's bad part by its JSON path. The subquery reads the
    unique (contact, dimension) index, so re-evaluating a few contacts stays cheap."""
    dimension = _dimension(rest)
    if dimension is None:
        raise InvalidInput(
            _("There is no buying-stage dimension '%(id)s'.") % {"id": rest[:50]},
            field=_at(path, "field"),
        )
    if op not in OPS:
        raise InvalidInput(
            _("A buying stage is compared with eq, neq, in or exists."), field=_at(path, "op")
        )
    standing = ContactBuyingStage.objects.filter(dimension=dimension)
    if op == "exists":
        if not isinstance(value, bool):
            raise InvalidInput(_("exists takes true or false."), field=_at(path, "value"))
        placed = Q(pk__in=standing.values("contact_id"))
        return placed if value else ~placed
    keys = value if op == "in" else [value]
    if not isinstance(keys, list) or not keys or len(keys) > MAX_VALUES:
        raise InvalidInput(
            _("in takes a list of 1 to %(n)s values.") % {"n": MAX_VALUES},
            field=_at(path, "value"),
        )
    known = set(dimension.stages.values_list("key", flat=True))
    for key in keys:
        if not isinstance(key, str) or key not in known:
            raise unknown_stage(dimension, key, field=_at(path, "value"))
    at = Q(pk__in=standing.filter(stage__key__in=keys).values("contact_id"))
    return ~at if op == "neq" else at


def buying_stage_words(rest: str, value: object) -> tuple[str, object]:
    """The condition's field and value as a marketer reads them: the dimension's name and the
    stages' labels ("B2B buying journey is Searching")."""
    dimension = _dimension(rest)
    if dimension is None:
        return PREFIX + rest, value
    labels = {stage.key: stage.display_label for stage in dimension.stages.all()}

    def label(key: object) -> object:
        return labels.get(key, key) if isinstance(key, str) else key

    shown = [label(key) for key in value] if isinstance(value, list) else label(value)
    return dimension.display_name, shown


def buying_stage_fields() -> list[dict[str, Any]]:
    """One field a dimension for the segment builder, its stages as the choices."""
    return [
        {
            "value": f"{PREFIX}{dimension.pk}",
            "label": dimension.display_name,
            "kind": "choice",
            "ops": [op for op in ALL_OPS if op in OPS],
            "choices": [[stage.key, stage.display_label] for stage in dimension.stages.all()],
        }
        for dimension in dimension_list()
    ]


FIELDS = PrefixedField(
    condition=buying_stage_condition, words=buying_stage_words, offered=buying_stage_fields
)
