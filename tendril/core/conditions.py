"""The property condition language scoring rules and segment behaviour conditions share.

A ``where`` is ``{"<property>": {"<op>": value, ...}, ...}``: every op on every property must
hold for an event's properties. One language, checked in one place, so that a rule a marketer
writes for scoring means the same thing in a segment, and a bad one is refused with the JSON
path of the mistake (``where.url.contains``) instead of silently matching nothing.

Semantics, kept simple enough for a SQL translation to give the same answers:
- a property the event does not have (or has as null) fails every op except
  ``{"exists": false}``, which is also how to ask for a missing one (null is not a value);
- ``eq``/``neq``/``in`` compare exactly (numbers by value, so 2 equals 2.0; ``True`` is not 1);
- ``lt lte gt gte`` compare numbers only (a text value on either side never matches);
- ``contains``/``starts_with`` compare texts without case.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tendril.core.errors import InvalidInput

OPS: tuple[str, ...] = (
    "eq",
    "neq",
    "lt",
    "lte",
    "gt",
    "gte",
    "contains",
    "starts_with",
    "in",
    "exists",
)
NUMBER_OPS = frozenset({"lt", "lte", "gt", "gte"})
TEXT_OPS = frozenset({"contains", "starts_with"})

# Bounds that keep one condition cheap to store, check and translate to SQL.
MAX_PROPERTIES = 20
MAX_IN_VALUES = 500
MAX_TEXT = 1000


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _check_scalar(value: Any, *, field: str) -> Any:
    """A value one property may be compared with: text, number, true or false."""
    if isinstance(value, dict | list):
        raise InvalidInput(
            _("This value must be a single text, number, true or false."), field=field
        )
    if isinstance(value, str):
        if len(value) > MAX_TEXT:
            raise InvalidInput(
                _("This text is too long: at most %(max)s characters.") % {"max": MAX_TEXT},
                field=field,
            )
        if "\x00" in value:
            raise InvalidInput(
                _("This text contains a character that cannot be stored."), field=field
            )
    elif not _is_number(value) and not isinstance(value, bool):
        raise InvalidInput(
            _("This value must be a single text, number, true or false."), field=field
        )
    return value


def _check_op(op: str, value: Any, *, field: str) -> Any:
    if op == "in":
        if not isinstance(value, list):
            raise InvalidInput(_("“in” needs a list of values."), field=field)
        if len(value) > MAX_IN_VALUES:
            raise InvalidInput(
                _("This list is too long: at most %(max)s values.") % {"max": MAX_IN_VALUES},
                field=field,
            )
        return [_check_scalar(item, field=f"{field}[{i}]") for i, item in enumerate(value)]
    if isinstance(value, list):
        raise InvalidInput(
            _("Only “in” takes a list; “%(op)s” takes a single value.") % {"op": op}, field=field
        )
    if op == "exists":
        if not isinstance(value, bool):
            raise InvalidInput(_("“exists” takes true or false."), field=field)
        return value
    if op in NUMBER_OPS and not _is_number(value):
        raise InvalidInput(_("“%(op)s” compares numbers; give a number.") % {"op": op}, field=field)
    if op in TEXT_OPS and not isinstance(value, str):
        raise InvalidInput(_("“%(op)s” looks for a text; give a text.") % {"op": op}, field=field)
    return _check_scalar(value, field=field)


def where_check(where: Any, *, path: str) -> dict[str, dict[str, Any]]:
    """``where`` validated and cleaned (``None`` is the empty condition, which always holds).

    Raises InvalidInput whose ``field`` is the JSON path of the first mistake, starting at
    ``path``: ``where``, ``where.url`` or ``where.url.contains``.
    """
    if where is None:
        return {}
    if not isinstance(where, dict):
        raise InvalidInput(
            _('Conditions must be an object of properties, like {"url": {"eq": "/pricing"}}.'),
            field=path,
        )
    if len(where) > MAX_PROPERTIES:
        raise InvalidInput(
            _("Too many properties: at most %(max)s.") % {"max": MAX_PROPERTIES}, field=path
        )
    cleaned: dict[str, dict[str, Any]] = {}
    for prop, ops in where.items():
        prop_path = f"{path}.{prop}"
        if not isinstance(prop, str) or not prop.strip() or len(prop) > 100 or "\x00" in prop:
            raise InvalidInput(_("A property name must be a short, non-empty text."), field=path)
        if not isinstance(ops, dict) or not ops:
            raise InvalidInput(
                _('Give this property at least one comparison, like {"eq": "value"}.'),
                field=prop_path,
            )
        cleaned_ops: dict[str, Any] = {}
        for op, value in ops.items():
            op_path = f"{prop_path}.{op}"
            if op not in OPS:
                raise InvalidInput(
                    _("Unknown comparison. Use one of: %(ops)s.") % {"ops": ", ".join(OPS)},
                    field=op_path,
                )
            cleaned_ops[op] = _check_op(op, value, field=op_path)
        cleaned[prop] = cleaned_ops
    return cleaned


def _same(left: Any, right: Any) -> bool:
    """Exact equality where True is not 1 (JSON tells booleans and numbers apart)."""
    if isinstance(left, bool) or isinstance(right, bool):
        return isinstance(left, bool) and isinstance(right, bool) and left is right
    if _is_number(left) and _is_number(right):
        return bool(left == right)
    return type(left) is type(right) and bool(left == right)


def _op_holds(op: str, expected: Any, actual: Any) -> bool:
    if op == "eq":
        return _same(actual, expected)
    if op == "neq":
        return not _same(actual, expected)
    if op == "in":
        return any(_same(actual, item) for item in expected)
    if op in NUMBER_OPS:
        if not _is_number(actual):
            return False
        if op == "lt":
            return bool(actual < expected)
        if op == "lte":
            return bool(actual <= expected)
        if op == "gt":
            return bool(actual > expected)
        return bool(actual >= expected)
    if not isinstance(actual, str):
        return False
    if op == "contains":
        return expected.casefold() in actual.casefold()
    return actual.casefold().startswith(expected.casefold())


def where_matches(where: Mapping[str, Mapping[str, Any]], properties: Mapping[str, Any]) -> bool:
    """Whether an event's ``properties`` meet every condition of an already checked ``where``."""
    for prop, ops in where.items():
        present = prop in properties and properties[prop] is not None
        for op, expected in ops.items():
            if op == "exists":
                if present is not expected:
                    return False
            elif not present or not _op_holds(op, expected, properties[prop]):
                return False
    return True


# --- in words ----------------------------------------------------------------------------------

OP_WORDS = {
    "eq": gettext_lazy("is"),
    "neq": gettext_lazy("is not"),
    "lt": gettext_lazy("less than"),
    "lte": gettext_lazy("at most"),
    "gt": gettext_lazy("more than"),
    "gte": gettext_lazy("at least"),
    "contains": gettext_lazy("contains"),
    "starts_with": gettext_lazy("starts with"),
    "in": gettext_lazy("is one of"),
}


def value_words(value: object) -> str:
    """A compared value as a marketer reads it: texts as written, lists joined by commas."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return ", ".join(value_words(v) for v in value)
    return json.dumps(value, ensure_ascii=False)


def condition_words(label: str, op: object, value: object) -> str:
    """One comparison in words: "url contains /pricing", "plan is set"."""
    if op == "exists":
        text = _("%(field)s is set") if value else _("%(field)s is not set")
        return text % {"field": label}
    return _("%(field)s %(op)s %(value)s") % {
        "field": label,
        "op": OP_WORDS.get(str(op), str(op)),
        "value": value_words(value),
    }


def where_words(where: Mapping[str, Any]) -> str:
    """A stored ``where`` in words ("url contains /pricing and plan is set"); "" when empty.
    Anything unexpected is shown as written rather than failing the page."""
    return _(" and ").join(
        condition_words(str(prop), op, value)
        for prop, ops in where.items()
        if isinstance(ops, Mapping)
        for op, value in ops.items()
    )


def where_editor() -> dict[str, Any]:
    """What a click editor of property conditions offers (``frontend/src/where-editor.js``: the
    scoring rule form's "Only when"), in the viewer's language: the comparisons in the
    language's order with their words, and the labels it shows; the script holds no text."""
    return {
        "ops": list(OPS),
        "words": {op: str(OP_WORDS.get(op, _("is set"))) for op in OPS},
        "labels": {
            "where": _("where"),
            "property": _("Property"),
            "operator": _("Operator"),
            "value": _("Value"),
            "is_set": _("is set"),
            "is_not_set": _("is not set"),
            "in_hint": _("values separated by commas"),
            "remove": _("Remove"),
            "add": _("Add a property condition"),
            "empty": _("No condition: every event of this type counts."),
        },
    }
