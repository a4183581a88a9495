"""The segment filter DSL (API.md "Segments") checked and compiled to one query over contacts.

A filter is checked completely before any SQL is built, so a bad filter fails with the JSON
path of its bad part (``all[1].op``, ``any[0].where.url.contains``) and a marketer-readable
message. Field names are looked up in fixed tables (never pasted into SQL); values travel as
query parameters; keys of custom fields and event properties go through Django's JSON key
transforms, which pass them as parameters too. So no filter can inject SQL.

The compiled query is one statement on SQLite and PostgreSQL alike: behaviour conditions are
``EXISTS`` (count at least one) or ``id IN (contacts grouped by their count)`` subqueries over
the event log, membership of another segment is ``id IN`` its stored members.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cached_property
from typing import Any

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    F,
    Func,
    OuterRef,
    Q,
    QuerySet,
    TextField,
    Transform,
)
from django.db.models.fields.json import KeyTextTransform, KeyTransform
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from tendril.contacts.models import Contact, CustomField, FieldType, Grade
from tendril.contacts.selectors import grade_thresholds
from tendril.contacts.stages import stage_labels
from tendril.core import clock
from tendril.core.conditions import NUMBER_OPS, OPS, TEXT_OPS, where_check
from tendril.core.durations import duration_parse
from tendril.core.errors import InvalidInput
from tendril.core.events import event_types, normalise_type
from tendril.core.models import Event
from tendril.segments.models import Segment, SegmentMember

MAX_DEPTH = 10
# Past this a window or a relative date is a typo, not a marketing question.
MAX_SPAN = timedelta(days=3653)
MIN_YEAR, MAX_YEAR = 1900, 2200
MAX_TEXT = 1000
MAX_LIST = 1000
MAX_COUNT = 10**9
COUNT_OPS = ("eq", "neq", "lt", "lte", "gt", "gte")
GRADES = tuple(Grade.values)
_LOOKUPS = {
    "eq": "exact",
    "lt": "lt",
    "lte": "lte",
    "gt": "gt",
    "gte": "gte",
    "contains": "icontains",
    "starts_with": "istartswith",
    "in": "in",
}

# Named JSON key expressions a query reads (see _lookup).
Aliases = dict[str, Transform | Cast]


@dataclass(frozen=True)
class Kind:
    """What a field holds: the operators it takes and how a value is checked for it."""

    name: str
    ops: frozenset[str]


TEXT = Kind("text", frozenset({"eq", "neq", "contains", "starts_with", "in", "exists"}))
NUMBER = Kind("number", frozenset({"eq", "neq", "lt", "lte", "gt", "gte", "in", "exists"}))
DATE = Kind("date", frozenset({"lt", "lte", "gt", "gte", "exists"}))
BOOLEAN = Kind("boolean", frozenset({"eq", "neq", "exists"}))
CHOICE = Kind("choice", frozenset({"eq", "neq", "in", "exists"}))
ID = Kind("id", frozenset({"eq", "neq", "in", "exists"}))

# Field → (column lookup path, kind). Columns that can be empty text count as absent when "".
CONTACT_FIELDS: dict[str, tuple[str, Kind]] = {
    "email": ("email", TEXT),
    "first_name": ("first_name", TEXT),
    "last_name": ("last_name", TEXT),
    "phone": ("phone", TEXT),
    "source": ("source", TEXT),
    "language": ("language", TEXT),
    "score": ("score", NUMBER),
    "stage": ("stage", CHOICE),
    "owner": ("owner_id", ID),
    "created_at": ("created_at", DATE),
    "last_seen_at": ("last_seen_at", DATE),
    "company.name": ("company__name", TEXT),
    "company.domain": ("company__domain", TEXT),
    "company.industry": ("company__industry", TEXT),
    "company.employees": ("company__employees", NUMBER),
    "company.created_at": ("company__created_at", DATE),
}
CUSTOM_KINDS = {
    FieldType.TEXT: TEXT,
    FieldType.NUMBER: NUMBER,
    FieldType.DATE: DATE,
    FieldType.BOOLEAN: BOOLEAN,
    FieldType.CHOICE: TEXT,
}
CONDITION_KEYS = {
    "field": frozenset({"field", "op", "value"}),
    "event": frozenset({"event", "where", "within", "count"}),
    "segment": frozenset({"segment"}),
}


@dataclass(frozen=True)
class PrefixedField:
    """Fields another app adds under a prefix of its own (personas' ``buying_stage.<id>``),
    registered from its ``AppConfig.ready()`` so segments need not import it (it sits above)."""

    # (the name after the prefix, op, value (True for a bare exists), the condition's JSON
    # path) → the condition on contacts; InvalidInput names the bad part by its path.
    condition: Callable[[str, str, object, str], Q]
    # (the name after the prefix, value) → the field's label and the value, as a marketer
    # reads them (for the segment's filter in words).
    words: Callable[[str, object], tuple[str, object]]
    # The fields the builder offers, in its catalogue's shape: {"value": the full name,
    # "label", "kind", "ops", and "choices" as [value, label] pairs}.
    offered: Callable[[], list[dict[str, Any]]]


_prefixed: dict[str, PrefixedField] = {}


def field_prefix(prefix: str, field: PrefixedField) -> None:
    """Add (or, with the same prefix, replace) the fields named ``<prefix><anything>``."""
    _prefixed[prefix] = field


def prefixed_fields() -> list[PrefixedField]:
    return list(_prefixed.values())


def prefixed_field(name: str) -> tuple[PrefixedField, str] | None:
    """The registered fields ``name`` belongs to, and the rest of the name after the prefix."""
    for prefix, field in _prefixed.items():
        if name.startswith(prefix):
            return field, name.removeprefix(prefix)
    return None


def _at(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _bad(message: str, path: str) -> InvalidInput:
    return InvalidInput(message, field=path or None)


class Compiler:
    """One filter's check and compilation; ``segment_id`` is the segment being saved (``None``
    for a preview), to refuse a filter that refers back to it."""

    def __init__(
        self, *, segment_id: int | None = None, among: Collection[int] | None = None
    ) -> None:
        self.segment_id = segment_id
        self.among = among
        self.now = clock.now()
        # The JSON keys the conditions on contacts read, by alias name (see _lookup).
        self.aliases: Aliases = {}

    @cached_property
    def custom(self) -> dict[str, CustomField]:
        """The custom fields by key, read once and only by a filter that names one: the
        consumer compiles every segment's filter and its moments per batch of events."""
        return {f.key: f for f in CustomField.objects.all()}

    @cached_property
    def stored_filters(self) -> dict[int, Any]:
        """Every segment's filter by id, read once for all the segment conditions of a filter
        (each is followed through its chain of references, see _reaches)."""
        return dict(Segment.objects.values_list("pk", "filter"))

    # --- structure ---------------------------------------------------------------------------

    def compile(self, node: object, path: str = "", depth: int = 1) -> Q:
        if depth > MAX_DEPTH:
            raise _bad(
                _("Groups can be nested at most %(depth)s deep.") % {"depth": MAX_DEPTH}, path
            )
        if not isinstance(node, Mapping) or not node:
            raise _bad(_("Each condition must be an object."), path)
        for group in ("all", "any"):
            if group in node:
                return self._group(node, group, path, depth)
        if "not" in node:
            self._only(node, frozenset({"not"}), path)
            return ~self.compile(node["not"], _at(path, "not"), depth + 1)
        for kind, keys in CONDITION_KEYS.items():
            if kind in node:
                self._only(node, keys, path)
                return getattr(self, f"_{kind}")(node, path)
        raise _bad(
            _(
                "A condition needs one of all, any, not, field, event or segment; "
                "'%(key)s' is none of them."
            )
            % {"key": str(next(iter(node)))[:50]},
            _at(path, str(next(iter(node)))[:50]),
        )

    def _only(self, node: Mapping[str, Any], keys: frozenset[str], path: str) -> None:
        for key in node:
            if key not in keys:
                raise _bad(
                    _("'%(key)s' does not belong in this condition.") % {"key": str(key)[:50]},
                    _at(path, str(key)[:50]),
                )

    def _group(self, node: Mapping[str, Any], group: str, path: str, depth: int) -> Q:
        self._only(node, frozenset({group}), path)
        items = node[group]
        here = _at(path, group)
        if not isinstance(items, list) or not items:
            raise _bad(_("%(group)s needs a list of conditions.") % {"group": group}, here)
        if len(items) > MAX_LIST:
            raise _bad(_("A group can hold at most %(n)s conditions.") % {"n": MAX_LIST}, here)
        parts = [self.compile(item, f"{here}[{i}]", depth + 1) for i, item in enumerate(items)]
        combined = parts[0]
        for part in parts[1:]:
            combined = combined & part if group == "all" else combined | part
        return combined

    # --- field conditions --------------------------------------------------------------------

    def _field(self, node: Mapping[str, Any], path: str) -> Q:
        name = node["field"]
        here = _at(path, "field")
        if not isinstance(name, str):
            raise _bad(_("The field must be a field name."), here)
        op = self._op(node.get("op"), _at(path, "op"))
        value = node.get("value", True) if op == "exists" else node.get("value")
        value_path = _at(path, "value")
        if name == "grade":
            return self._grade(op, value, _at(path, "op"), value_path)
        if name.startswith("fields."):
            return self._custom(name.removeprefix("fields."), op, value, path)
        prefixed = prefixed_field(name)
        if prefixed is not None:
            return prefixed[0].condition(prefixed[1], op, value, path)
        if name not in CONTACT_FIELDS:
            raise _bad(_("There is no field '%(name)s'.") % {"name": name[:100]}, here)
        column, kind = CONTACT_FIELDS[name]
        self._op_for(kind, op, _at(path, "op"))
        checked = self._value(kind, op, value, value_path, choices=_stage_choices(name))
        if op == "exists":
            present = Q(**{f"{column}__isnull": False})
            if kind is TEXT:
                present &= ~Q(**{column: ""})
            return present if checked else ~present
        if op == "neq":
            return ~Q(**{column: checked})
        return Q(**{f"{column}__{_LOOKUPS[op]}": checked})

    def _op(self, op: object, path: str) -> str:
        if op not in OPS:
            raise _bad(_("Unknown operator; use one of %(ops)s.") % {"ops": ", ".join(OPS)}, path)
        return str(op)

    def _op_for(self, kind: Kind, op: str, path: str) -> None:
        if op not in kind.ops:
            raise _bad(
                _("A %(kind)s field cannot be compared with '%(op)s'.")
                % {"kind": _kind_label(kind), "op": op},
                path,
            )

    def _grade(self, op: str, value: object, op_path: str, value_path: str) -> Q:
        self._op_for(CHOICE, op, op_path)
        if op == "exists":
            raise _bad(_("Every contact has a grade."), op_path)
        checked = self._value(CHOICE, op, value, value_path, choices=GRADES)
        grades = checked if op == "in" else [checked]
        hot, warm = grade_thresholds()
        bands = {
            "hot": Q(score__gte=hot),
            "warm": Q(score__gte=warm, score__lt=hot),
            "cold": Q(score__lt=warm),
        }
        combined = Q(pk__in=[])
        for grade in grades:
            combined |= bands[grade]
        return ~combined if op == "neq" else combined

    def _custom(self, key: str, op: str, value: object, path: str) -> Q:
        definition = self.custom.get(key)
        if definition is None:
            raise _bad(
                _("There is no custom field '%(key)s'.") % {"key": key[:100]}, _at(path, "field")
            )
        kind = CUSTOM_KINDS[FieldType(definition.type)]
        self._op_for(kind, op, _at(path, "op"))
        choices = tuple(definition.choices) if definition.type == FieldType.CHOICE else None
        checked = self._value(kind, op, value, _at(path, "value"), choices=choices)
        if kind is DATE and op != "exists":
            checked = _as_date(checked).isoformat()
        return _custom_condition(self.aliases, key, kind, op, checked)

    # --- behaviour ---------------------------------------------------------------------------

    def _event(self, node: Mapping[str, Any], path: str) -> Q:
        events, _span = self._events(node, path)
        op, threshold = self._count(node.get("count", {"gte": 1}), _at(path, "count"))
        if self.among is not None:
            events = events.filter(contact_id__in=self.among)
        if (op, threshold) in (("gte", 1), ("gt", 0), ("neq", 0)):
            return Q(Exists(events.filter(contact_id=OuterRef("pk"))))
        counted = (
            events.filter(contact_id__isnull=False).values("contact_id").annotate(n=Count("id"))
        )
        if _count_holds(op, threshold, 0):
            # Contacts without any such event qualify too: everyone but those it fails for.
            failing = counted.exclude(_count_condition(op, threshold)).values("contact_id")
            return ~Q(pk__in=failing)
        return Q(pk__in=counted.filter(_count_condition(op, threshold)).values("contact_id"))

    def _events(
        self, node: Mapping[str, Any], path: str
    ) -> tuple[QuerySet[Event], timedelta | None]:
        """The events a behaviour condition counts (type, ``where``, inside its window), and
        the window's length (``None`` without ``within``)."""
        events = Event.objects.filter(type=self._event_type(node["event"], _at(path, "event")))
        aliases: Aliases = {}
        where = self._where(node.get("where"), _at(path, "where"), aliases)
        events = events.alias(**aliases).filter(where)
        if "within" not in node:
            return events, None
        span = self._duration(node["within"], _at(path, "within"), signed=False)
        return events.filter(occurred_at__gte=self.now - span), span

    def moments(self, node: object) -> list[Moment]:
        """The conditions anywhere in a stored filter whose answer moves with the clock (see
        :func:`moments`)."""
        if isinstance(node, list):
            return [found for item in node for found in self.moments(item)]
        if not isinstance(node, Mapping):
            return []
        if "event" in node:
            events, span = self._events(node, "")
            if span is None:
                return []
            return [Moment(events.exclude(contact_id=None), "contact_id", "occurred_at", span)]
        if "field" in node:
            return self._date_moment(node)
        return [
            found
            for key in ("all", "any", "not")
            if key in node
            for found in self.moments(node[key])
        ]

    def _date_moment(self, node: Mapping[str, Any]) -> list[Moment]:
        """A date column compared with a duration from now (``created_at gte -P7D``) flips
        when ``now + duration`` passes the column's value: at ``value - duration``."""
        column, kind = CONTACT_FIELDS.get(node["field"], ("", TEXT))
        value = node.get("value")
        if kind is not DATE or node.get("op") == "exists" or not isinstance(value, str):
            return []
        if not value.lstrip("+-").startswith("P"):
            return []
        offset = self._duration(value, "value", signed=True)
        upcoming = Contact.objects.filter(**{f"{column}__gt": self.now + offset})
        return [Moment(upcoming, "pk", column, -offset)]

    def _event_type(self, raw: object, path: str) -> str:
        if not isinstance(raw, str) or not raw.strip():
            raise _bad(_("Name the event type, like page_view."), path)
        if raw.strip() in event_types():
            return raw.strip()
        try:
            return normalise_type(raw)
        except ValueError:
            raise _bad(_("'%(type)s' is not an event type.") % {"type": raw[:100]}, path) from None

    def _where(self, where: object, path: str, aliases: Aliases) -> Q:
        """The SQL twin of :func:`tendril.core.conditions.where_matches`, over the properties
        checked by its ``where_check`` (the same language as scoring rules)."""
        combined = Q()
        for prop, ops in where_check(where, path=path).items():
            for op, value in ops.items():
                combined &= _property_condition(aliases, prop, op, value)
        return combined

    def _count(self, count: object, path: str) -> tuple[str, int]:
        if not isinstance(count, Mapping) or len(count) != 1:
            raise _bad(_('count takes one operator and a number, like {"gt": 10}.'), path)
        op, value = next(iter(count.items()))
        if op not in COUNT_OPS:
            raise _bad(
                _("Unknown operator; use one of %(ops)s.") % {"ops": ", ".join(COUNT_OPS)},
                _at(path, str(op)[:50]),
            )
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_COUNT:
            raise _bad(_("count needs a whole number of zero or more."), _at(path, op))
        return op, value

    # --- membership --------------------------------------------------------------------------

    def _segment(self, node: Mapping[str, Any], path: str) -> Q:
        here = _at(path, "segment")
        ref = node["segment"]
        if isinstance(ref, bool) or not isinstance(ref, int):
            raise _bad(_("segment needs a segment id."), here)
        if ref == self.segment_id or self._reaches(ref, here):
            raise _bad(_("A segment cannot include itself, directly or through others."), here)
        members = SegmentMember.objects.filter(segment_id=ref)
        if self.among is not None:
            members = members.filter(contact_id__in=self.among)
        return Q(pk__in=members.values("contact_id"))

    def _reaches(self, start: int, path: str) -> bool:
        """Whether ``start`` refers (through any chain) to the segment being saved; unknown ids
        are refused on the way."""
        seen: set[int] = set()
        todo = [start]
        while todo:
            current = todo.pop()
            if current in seen:
                continue
            seen.add(current)
            stored = self.stored_filters.get(current)
            if stored is None:
                if current == start:
                    raise _bad(_("There is no segment %(id)s.") % {"id": current}, path)
                continue
            refs = references(stored)
            if self.segment_id is not None and self.segment_id in refs:
                return True
            todo.extend(refs)
        return False

    # --- values ------------------------------------------------------------------------------

    def _value(
        self,
        kind: Kind,
        op: str,
        value: object,
        path: str,
        *,
        choices: tuple[str, ...] | None = None,
    ) -> Any:
        if op == "exists":
            if not isinstance(value, bool):
                raise _bad(_("exists takes true or false."), path)
            return value
        if op == "in":
            if not isinstance(value, list) or not value or len(value) > MAX_LIST:
                raise _bad(_("in takes a list of 1 to %(n)s values.") % {"n": MAX_LIST}, path)
            return [self._one(kind, item, f"{path}[{i}]", choices) for i, item in enumerate(value)]
        return self._one(kind, value, path, choices)

    def _one(self, kind: Kind, value: object, path: str, choices: tuple[str, ...] | None) -> Any:
        if kind is NUMBER:
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise _bad(_("This field holds numbers: compare it with a number."), path)
            if abs(value) > 10**15 or value != value:
                raise _bad(_("This number is out of range."), path)
            return value
        if kind is BOOLEAN:
            if not isinstance(value, bool):
                raise _bad(_("This field is yes or no: compare it with true or false."), path)
            return value
        if kind is ID:
            if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**62:
                raise _bad(_("Give the user's id (a whole number)."), path)
            return value
        if kind is DATE:
            return self._date(value, path)
        if not isinstance(value, str):
            raise _bad(_("This field holds text: compare it with text."), path)
        if len(value) > MAX_TEXT:
            raise _bad(_("Text to compare is at most %(n)s characters.") % {"n": MAX_TEXT}, path)
        if choices is not None and value not in choices:
            raise _bad(
                _("'%(value)s' is not one of %(choices)s.")
                % {"value": value[:100], "choices": ", ".join(choices)},
                path,
            )
        return value

    def _date(self, value: object, path: str) -> datetime:
        """An ISO date or date-time, or a duration from now (``-P7D``: seven days ago)."""
        if not isinstance(value, str):
            raise _bad(_("Give a date (2026-01-31) or a duration from now (-P7D)."), path)
        if value.lstrip("+-").startswith("P"):
            return self.now + self._duration(value, path, signed=True)
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            raise _bad(_("Give a date (2026-01-31) or a duration from now (-P7D)."), path) from None
        if not MIN_YEAR <= parsed.year <= MAX_YEAR:
            # Also keeps the instant inside what both databases and time zones can hold.
            raise _bad(
                _("Give a date between the years %(first)s and %(last)s.")
                % {"first": MIN_YEAR, "last": MAX_YEAR},
                path,
            )
        if timezone.is_naive(parsed):
            parsed = timezone.make_aware(parsed)
        return parsed

    def _duration(self, value: object, path: str, *, signed: bool) -> timedelta:
        span = duration_parse(value)
        if span is None:
            raise _bad(_("Give a duration like P30D (30 days) or PT12H (12 hours)."), path)
        if abs(span) > MAX_SPAN:
            raise _bad(_("A duration can be at most about 10 years."), path)
        if span < timedelta(0) and not signed:
            raise _bad(_("within is a length of time, like P30D."), path)
        if not signed and not span:
            raise _bad(_("within must be longer than zero."), path)
        return span


def references(node: object) -> set[int]:
    """The ids of the segments a (stored, checked) filter refers to."""
    if isinstance(node, list):
        return set().union(*(references(item) for item in node))
    if not isinstance(node, Mapping):
        return set()
    ref = node.get("segment")
    if isinstance(ref, int) and not isinstance(ref, bool):
        return {ref}
    return set().union(*(references(node[key]) for key in ("all", "any", "not") if key in node))


@dataclass(frozen=True)
class Listening:
    """What can change a (stored, checked) filter's answer for a contact, by event type: a
    change of state (a system event: a field, the stage, the score, consent, a joined history)
    may move any filter; an activity (a visit, an open, a purchase, a custom event) only one
    whose behaviour conditions name its type, or one that reads ``last_seen_at``."""

    named: frozenset[str]
    reads_last_seen: bool

    def hears(self, types: Collection[str]) -> bool:
        known = event_types()
        for name in types:
            declared = known.get(name)
            if (declared is not None and declared.system) or name in self.named:
                return True
            if self.reads_last_seen:
                return True
        return False


def listening(node: object) -> Listening:
    """The event types ``node``'s conditions read (see :class:`Listening`)."""
    named: set[str] = set()
    reads_last_seen = False

    def walk(item: object) -> None:
        nonlocal reads_last_seen
        if isinstance(item, list):
            for child in item:
                walk(child)
        elif isinstance(item, Mapping):
            if isinstance(item.get("event"), str):
                raw = item["event"].strip()
                try:
                    named.add(raw if raw in event_types() else normalise_type(raw))
                except ValueError:
                    named.add(raw)
            if item.get("field") == "last_seen_at":
                reads_last_seen = True
            for key in ("all", "any", "not"):
                if key in item:
                    walk(item[key])

    walk(node)
    return Listening(frozenset(named), reads_last_seen)


def filter_contacts(
    node: object, *, segment_id: int | None = None, among: Collection[int] | None = None
) -> QuerySet[Contact]:
    """``node`` checked (InvalidInput at the bad part's JSON path) and compiled to the query of
    the contacts it matches; ``segment_id`` is the segment it is saved on, if any (cycles are
    refused). ``among`` asks about those contacts only, and goes into every behaviour
    subquery and segment lookup too: PostgreSQL does not carry an outer ``id IN (...)`` into
    them, so re-evaluating a few contacts would read (count, or hash) the events of everyone
    (bench/RESULTS.md, "Keeping membership current": 1M contacts, 10M events)."""
    compiler = Compiler(segment_id=segment_id, among=among)
    condition = compiler.compile(node)
    contacts = Contact.objects.alias(**compiler.aliases).filter(condition)
    return contacts if among is None else contacts.filter(pk__in=among)


@dataclass(frozen=True)
class Moment:
    """Rows each naming a contact (``contact``) and a time (``at``): the earliest ``at`` of a
    contact, plus ``shift``, is when the condition's answer for them next changes with no new
    event (an event leaving its ``within`` window, a date passing a "7 days ago" line)."""

    rows: QuerySet[Any]
    contact: str
    at: str
    shift: timedelta


def moments(node: object) -> list[Moment]:
    """For a stored filter, its conditions whose answer moves with the clock alone: behaviour
    ``within`` a window, and dates compared with a duration from now. Only at those moments can
    a contact's membership change without a new event, which is what lets membership be
    re-checked on a schedule instead of by rescanning every contact."""
    return Compiler().moments(node)


def _stage_choices(name: str) -> tuple[str, ...] | None:
    """Every stage a filter may name, hidden ones too (its members are simply none)."""
    return tuple(stage_labels()) if name == "stage" else None


def _kind_label(kind: Kind) -> str:
    labels = {
        "text": _("text"),
        "number": _("number"),
        "date": _("date"),
        "boolean": _("yes/no"),
        "choice": _("choice"),
        "id": _("user"),
    }
    return labels[kind.name]


def _as_date(value: datetime) -> date:
    return timezone.localtime(value).date()


class JsonTypeIs(Func):
    """Whether one key of a JSON column holds a number, a text, or any value but null, the key
    passed as a parameter: comparisons then never mix numbers and texts, and a key holding
    null counts as absent (as where_matches reads it), on either database."""

    output_field = BooleanField()
    # kind → (SQLite's JSON_TYPE names, PostgreSQL's jsonb_typeof names)
    _TYPES = {
        "number": ("('integer', 'real')", "('number')"),
        "string": ("('text')", "('string')"),
        "value": (
            "('integer', 'real', 'text', 'true', 'false', 'object', 'array')",
            "('number', 'string', 'boolean', 'object', 'array')",
        ),
    }

    def __init__(self, column: str, key: str, kind: str) -> None:
        super().__init__(F(column))
        self.key = key
        self.kind = kind

    def as_sqlite(
        self, compiler: Any, connection: Any, **extra: Any
    ) -> tuple[str, tuple[Any, ...]]:
        sql, params = compiler.compile(self.source_expressions[0])
        # The key always as an object key, quoted (as where_matches reads it).
        path = "$." + json.dumps(self.key)
        types = self._TYPES[self.kind][0]
        return f"COALESCE(JSON_TYPE({sql}, %s) IN {types}, 0)", (*params, path)

    def as_postgresql(
        self, compiler: Any, connection: Any, **extra: Any
    ) -> tuple[str, tuple[Any, ...]]:
        sql, params = compiler.compile(self.source_expressions[0])
        types = self._TYPES[self.kind][1]
        return f"COALESCE(jsonb_typeof({sql} -> %s) IN {types}, false)", (*params, self.key)


def _lookup(aliases: Aliases, target: Transform | Cast, op: str, value: Any) -> Q:
    """``target <op> value``: the JSON key becomes a named alias of the query (the names are
    ours, the key a parameter), so Django applies the key's own lookups (``exact``, ``lt``,
    ``icontains``...) with the value encoded as each database needs."""
    name = f"json_key_{len(aliases)}"
    aliases[name] = target
    if op == "in":
        # One exact test per value: the key's own "in" misreads true and false on SQLite.
        combined = Q(pk__in=[])
        for item in value:
            combined |= Q(**{f"{name}__exact": item})
        return combined
    return Q(**{f"{name}__{op}": value})


def _key_present(column: str, key: str) -> Q:
    """The key is there with a value (JSON null counts as absent)."""
    return Q(JsonTypeIs(column, key, "value"))


def _property_condition(aliases: Aliases, prop: str, op: str, value: Any) -> Q:
    """One checked ``op`` on one event property, with where_matches' meaning."""
    present = _key_present("properties", prop)
    if op == "exists":
        return present if value else ~present
    target = KeyTransform(prop, "properties")
    if op == "neq":
        return present & ~_lookup(aliases, target, "exact", value)
    condition = _lookup(aliases, target, _LOOKUPS[op], value)
    if op in NUMBER_OPS:
        return condition & Q(JsonTypeIs("properties", prop, "number"))
    if op in TEXT_OPS:
        return condition & Q(JsonTypeIs("properties", prop, "string"))
    return present & condition


def _custom_condition(aliases: Aliases, key: str, kind: Kind, op: str, value: Any) -> Q:
    """One checked ``op`` on a custom field, whose stored values are cleaned to its type
    (numbers as JSON numbers, dates as ISO texts, which sort as dates)."""
    present = _key_present("fields", key)
    if op == "exists":
        return present if value else ~present
    if kind is DATE:
        # Compared as plain text (ISO dates sort as dates), not with a JSON key's lookups.
        text = Cast(KeyTextTransform(key, "fields"), TextField())
        return present & _lookup(aliases, text, _LOOKUPS[op], value)
    target = KeyTransform(key, "fields")
    if op == "neq":
        return present & ~_lookup(aliases, target, "exact", value)
    return present & _lookup(aliases, target, _LOOKUPS[op], value)


def _count_condition(op: str, threshold: int) -> Q:
    """The test on a contact's count ``n`` of matching events."""
    if op == "neq":
        return ~Q(n=threshold)
    return Q(**{f"n__{_LOOKUPS[op]}": threshold})


def _count_holds(op: str, threshold: int, n: int) -> bool:
    return {
        "eq": n == threshold,
        "neq": n != threshold,
        "lt": n < threshold,
        "lte": n <= threshold,
        "gt": n > threshold,
        "gte": n >= threshold,
    }[op]
