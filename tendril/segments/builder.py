"""What the segment builder (frontend/src/segments.js) offers, in the viewer's language: the
fields with their operators and choices, the event types, and every label the script shows.

The script gets all of it through one ``json_script`` block, so it holds no text of its own and
offers only what the filter DSL accepts (the field table and kinds are the DSL's own).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from tendril.accounts.selectors import user_list
from tendril.contacts.models import FieldType, Grade
from tendril.contacts.selectors import custom_field_list
from tendril.contacts.stages import stages
from tendril.core.conditions import OP_WORDS, OPS
from tendril.core.events import event_types
from tendril.segments.describe import FIELD_LABELS
from tendril.segments.dsl import (
    CHOICE,
    CONTACT_FIELDS,
    CUSTOM_KINDS,
    Kind,
    prefixed_fields,
)
from tendril.segments.models import Segment


def _ops(kind: Kind, *, exists: bool = True) -> list[str]:
    return [op for op in OPS if op in kind.ops and (exists or op != "exists")]


def _field(value: str, label: str, kind: Kind, **extra: Any) -> dict[str, Any]:
    return {"value": value, "label": label, "kind": kind.name, "ops": _ops(kind), **extra}


def catalogue() -> dict[str, Any]:
    owners = [[str(u.pk), str(u)] for u in user_list(active_only=True)]
    fields = []
    for name, (_column, kind) in CONTACT_FIELDS.items():
        extra: dict[str, Any] = {}
        if name == "stage":
            extra["choices"] = [[key, label] for key, label in stages()]
        elif name == "owner":
            extra["choices"] = owners
        fields.append(_field(name, str(FIELD_LABELS[name]), kind, **extra))
    # Every contact has a grade: "is set" would be a question with one answer.
    grade_choices = [[g, str(label)] for g, label in Grade.choices]
    grade = _field("grade", str(FIELD_LABELS["grade"]), CHOICE, choices=grade_choices)
    fields.append(grade | {"ops": _ops(CHOICE, exists=False)})
    for custom in custom_field_list():
        kind = CUSTOM_KINDS[FieldType(custom.type)]
        fields.append(_field(f"fields.{custom.key}", custom.label, kind))
    for prefixed in prefixed_fields():
        fields.extend(prefixed.offered())
    return {
        "fields": fields,
        "events": sorted(event_types()),
        "segments": list(Segment.objects.order_by("name").values_list("pk", "name")),
        "ops": {op: str(label) for op, label in OP_WORDS.items()},
        "where_ops": list(OPS),
        "count_ops": ["gte", "gt", "eq", "lt", "lte", "neq"],
        "labels": {
            "all": _("all of these are true"),
            "any": _("any of these is true"),
            "none": _("none of these is true"),
            "add_field": _("Add a field condition"),
            "add_event": _("Add a behaviour condition"),
            "add_group": _("Add a group"),
            "remove": _("Remove"),
            "field": _("Field"),
            "operator": _("Operator"),
            "value": _("Value"),
            "is_set": _("is set"),
            "is_not_set": _("is not set"),
            "yes": _("yes"),
            "no": _("no"),
            "event": _("Event"),
            "where": _("where"),
            "add_where": _("Add a property condition"),
            "property": _("Property"),
            "times": _("times"),
            "within": _("within"),
            "any_time": _("any time"),
            "hours": _("hours"),
            "days": _("days"),
            "weeks": _("weeks"),
            "date_hint": _("2026-01-31, or -P30D for 30 days ago"),
            "in_hint": _("values separated by commas"),
            "group": _("Group"),
            "in_segment": _("in the segment"),
        },
    }
