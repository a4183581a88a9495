"""A segment's filter told in words, for the segment page and the list: a marketer checks what a
segment means by reading it ("Company employees less than 100 AND did page_view where url
contains /pricing at least once in the past 30 days"), not by reading its JSON.

Only stored filters are described, so they were checked by the DSL; anything unexpected is
still shown as written rather than failing the page.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from tendril.contacts.models import CustomField, Grade
from tendril.contacts.stages import stage_labels
from tendril.core.conditions import OP_WORDS, condition_words, value_words, where_words
from tendril.core.durations import duration_parse, duration_words
from tendril.segments.dsl import prefixed_field
from tendril.segments.models import Segment

FIELD_LABELS = {
    "email": gettext_lazy("Email"),
    "first_name": gettext_lazy("First name"),
    "last_name": gettext_lazy("Last name"),
    "phone": gettext_lazy("Phone"),
    "source": gettext_lazy("Source"),
    "language": gettext_lazy("Language"),
    "score": gettext_lazy("Score"),
    "grade": gettext_lazy("Grade"),
    "stage": gettext_lazy("Stage"),
    "owner": gettext_lazy("Owner"),
    "created_at": gettext_lazy("Created"),
    "last_seen_at": gettext_lazy("Last seen"),
    "company.name": gettext_lazy("Company name"),
    "company.domain": gettext_lazy("Company domain"),
    "company.industry": gettext_lazy("Company industry"),
    "company.employees": gettext_lazy("Company employees"),
    "company.created_at": gettext_lazy("Company created"),
}


def describe(node: object) -> str:
    """The filter in words; groups inside groups are put in parentheses."""
    return _Describer().node(node, top=True)


class _Describer:
    def __init__(self) -> None:
        self.custom = {f.key: f.label for f in CustomField.objects.only("key", "label")}
        self.segments: dict[int, str] | None = None

    def node(self, node: object, *, top: bool = False) -> str:
        if not isinstance(node, Mapping):
            return value_words(node)
        for group, joiner in (("all", _(" AND ")), ("any", _(" OR "))):
            if group in node and isinstance(node[group], list):
                words = joiner.join(self.node(item) for item in node[group])
                return words if top or len(node[group]) < 2 else f"({words})"
        if "not" in node:
            return _("NOT (%(condition)s)") % {"condition": self.node(node["not"], top=True)}
        if "field" in node:
            return self.field(node)
        if "event" in node:
            return self.event(node)
        if "segment" in node:
            return _("in segment %(name)s") % {"name": self.segment_name(node["segment"])}
        return value_words(node)

    def field(self, node: Mapping[str, Any]) -> str:
        name = str(node["field"])
        prefixed = prefixed_field(name)
        if prefixed is not None:
            label, value = prefixed[0].words(prefixed[1], node.get("value", True))
            return condition_words(label, node.get("op"), value)
        if name.startswith("fields."):
            label = self.custom.get(name.removeprefix("fields."), name)
        else:
            label = str(FIELD_LABELS.get(name, name))
        value = node.get("value", True)
        if name == "stage":
            value = _labelled(value, stage_labels())
        elif name == "grade":
            value = _labelled(value, dict(Grade.choices))
        return condition_words(label, node.get("op"), value)

    def event(self, node: Mapping[str, Any]) -> str:
        parts = [_("did %(event)s") % {"event": node["event"]}]
        where = node.get("where")
        if isinstance(where, Mapping) and where:
            conditions = where_words(where)
            parts.append(_("where %(conditions)s") % {"conditions": conditions})
        parts.append(_count(node.get("count", {"gte": 1})))
        if "within" in node:
            parts.append(_("in the past %(span)s") % {"span": span_words(node["within"])})
        return " ".join(parts)

    def segment_name(self, ref: object) -> str:
        if self.segments is None:
            self.segments = dict(Segment.objects.values_list("pk", "name"))
        return (
            self.segments.get(ref, value_words(ref)) if isinstance(ref, int) else value_words(ref)
        )


def _count(count: object) -> str:
    if not isinstance(count, Mapping) or len(count) != 1:
        return value_words(count)
    op, n = next(iter(count.items()))
    if (op, n) in (("gte", 1), ("gt", 0)):
        return _("at least once")
    return ngettext("%(op)s %(n)s time", "%(op)s %(n)s times", n if isinstance(n, int) else 2) % {
        "op": OP_WORDS.get(str(op), str(op)),
        "n": n,
    }


def span_words(span: object) -> str:
    """``P30D`` as "30 days" (any duration the filter language takes)."""
    parsed = duration_parse(span)
    return value_words(span) if parsed is None else duration_words(parsed)


def _labelled(value: object, labels: Mapping[str, object]) -> object:
    """A stage's or grade's key (or list of keys) as the reader calls it."""
    if isinstance(value, list):
        return [str(labels.get(v, v)) for v in value]
    return str(labels.get(value, value)) if isinstance(value, str) else value
