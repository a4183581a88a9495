"""Turning what a person typed (API body, CSV cell, form) into contact values, or a clear error.

Shared by the API, the UI and the CSV importer so every door applies the same rules.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from tendril.contacts.models import (
    Channel,
    ConsentStatus,
    CustomField,
    FieldType,
    Language,
)
from tendril.contacts.stages import stage_clean
from tendril.core.emails import email_normalise
from tendril.core.errors import InvalidInput

TEXT_FIELDS = {"first_name": 100, "last_name": 100, "phone": 40, "source": 100}
CONTACT_KEYS = frozenset(
    {
        "email",
        "first_name",
        "last_name",
        "phone",
        "company",
        "fields",
        "source",
        "consent",
        "owner",
        "stage",
        "language",
    }
)
COMPANY_KEYS = frozenset({"name", "domain", "industry", "employees"})
_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
_TRUE = {"true", "yes", "y", "1", "on"}
_FALSE = {"false", "no", "n", "0", "off"}


def storable_check(value: object, *, field: str | None = None) -> None:
    """Refuse text no database column can hold, anywhere in a parsed JSON value (keys too).

    PostgreSQL rejects NUL characters in text and JSON, and a lone UTF-16 surrogate (legal in
    JSON's ``\\ud800`` escapes) cannot be encoded at all; without this check both are a 500.
    """
    stack: list[tuple[object, str | None]] = [(value, field)]
    while stack:
        item, path = stack.pop()
        if isinstance(item, str):
            _storable_text(item, path)
        elif isinstance(item, Mapping):
            for key, inner in item.items():
                _storable_text(str(key), path)
                stack.append((inner, f"{path}.{key}" if path else str(key)))
        elif isinstance(item, list):
            stack.extend((inner, path) for inner in item)


def _storable_text(text: str, field: str | None) -> None:
    where = field or "the request"
    if "\x00" in text:
        raise InvalidInput(_("%(where)s contains a NUL character") % {"where": where}, field=field)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidInput(
            _("%(where)s contains text that is not valid Unicode") % {"where": where}, field=field
        ) from None


def email_clean(raw: object, *, field: str = "email") -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise InvalidInput(_("an email address is required"), field=field)
    email = email_normalise(raw)
    if email is None:
        raise InvalidInput(
            _("'%(value)s' is not a valid email address") % {"value": raw.strip()[:254]},
            field=field,
        )
    return email


def text_clean(raw: object, *, field: str, max_length: int) -> str:
    if raw is None:
        return ""
    if not isinstance(raw, str | int | float) or isinstance(raw, bool):
        raise InvalidInput(_("%(field)s must be text") % {"field": field}, field=field)
    text = str(raw).strip()
    if len(text) > max_length:
        raise InvalidInput(
            _("%(field)s is longer than %(max_length)s characters")
            % {"field": field, "max_length": max_length},
            field=field,
        )
    if "\x00" in text:
        raise InvalidInput(_("%(field)s contains a NUL character") % {"field": field}, field=field)
    return text


def domain_clean(raw: object, *, field: str = "company.domain") -> str | None:
    if raw in (None, ""):
        return None
    if not isinstance(raw, str):
        raise InvalidInput(_("the domain must be text like acme.com"), field=field)
    domain = raw.strip().lower().removeprefix("https://").removeprefix("http://")
    domain = domain.removeprefix("www.").split("/", 1)[0]
    if not _DOMAIN.match(domain):
        raise InvalidInput(
            _("'%(value)s' is not a domain name like acme.com") % {"value": raw}, field=field
        )
    return domain


def whole_number_clean(raw: object, *, field: str) -> int | None:
    if raw in (None, ""):
        return None
    if isinstance(raw, bool):
        raise InvalidInput(_("%(field)s must be a whole number") % {"field": field}, field=field)
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        raise InvalidInput(
            _("%(field)s must be a whole number, not '%(value)s'") % {"field": field, "value": raw},
            field=field,
        ) from None
    if not value.is_finite() or value != value.to_integral_value() or value < 0:
        raise InvalidInput(
            _("%(field)s must be a whole number of zero or more") % {"field": field}, field=field
        )
    if value > 2_000_000_000:
        raise InvalidInput(_("%(field)s is too large") % {"field": field}, field=field)
    return int(value)


def company_clean(raw: object) -> dict[str, Any] | None:
    if raw in (None, ""):
        return None
    if isinstance(raw, str):
        raw = {"name": raw}
    if not isinstance(raw, Mapping):
        raise InvalidInput(_("company must be an object with at least a name"), field="company")
    unknown = set(raw) - COMPANY_KEYS
    if unknown:
        name = sorted(unknown)[0]
        raise InvalidInput(
            _("unknown company field '%(name)s'") % {"name": name}, field=f"company.{name}"
        )
    name = text_clean(raw.get("name"), field="company.name", max_length=200)
    domain = domain_clean(raw.get("domain"))
    if not name and not domain:
        raise InvalidInput(_("a company needs a name or a domain"), field="company.name")
    return {
        "name": name,
        "domain": domain,
        "industry": text_clean(raw.get("industry"), field="company.industry", max_length=100),
        "employees": whole_number_clean(raw.get("employees"), field="company.employees"),
    }


def custom_value_clean(definition: CustomField, raw: object, *, field: str) -> Any:
    """The stored JSON value of one custom field; ``None`` clears it."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    kind = definition.type
    if kind == FieldType.TEXT:
        return text_clean(raw, field=field, max_length=1000)
    if kind == FieldType.NUMBER:
        return _number_clean(raw, field=field)
    if kind == FieldType.DATE:
        return _date_clean(raw, field=field)
    if kind == FieldType.BOOLEAN:
        return _boolean_clean(raw, field=field)
    text = str(raw).strip()
    for choice in definition.choices:
        if choice.lower() == text.lower():
            return choice
    options = ", ".join(definition.choices)
    raise InvalidInput(
        _("'%(value)s' is not one of the choices (%(choices)s)")
        % {"value": text, "choices": options},
        field=field,
    )


def _number_clean(raw: object, *, field: str) -> int | float:
    if isinstance(raw, bool):
        raise InvalidInput(_("%(field)s must be a number") % {"field": field}, field=field)
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float):
        number = raw
    else:
        try:
            number = float(str(raw).strip())
        except ValueError:
            raise InvalidInput(
                _("%(field)s must be a number, not '%(value)s'") % {"field": field, "value": raw},
                field=field,
            ) from None
    if math.isnan(number) or math.isinf(number) or abs(number) > 1e15:
        raise InvalidInput(_("%(field)s must be a finite number") % {"field": field}, field=field)
    return int(number) if number.is_integer() else number


def _date_clean(raw: object, *, field: str) -> str:
    if isinstance(raw, datetime):
        return raw.date().isoformat()
    if isinstance(raw, date):
        return raw.isoformat()
    try:
        return date.fromisoformat(str(raw).strip()[:10]).isoformat()
    except ValueError:
        raise InvalidInput(
            _("%(field)s must be a date like 2026-03-31, not '%(value)s'")
            % {"field": field, "value": raw},
            field=field,
        ) from None


def _boolean_clean(raw: object, *, field: str) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise InvalidInput(
        _("%(field)s must be yes or no, not '%(value)s'") % {"field": field, "value": raw},
        field=field,
    )


def custom_fields_clean(raw: object, definitions: Mapping[str, CustomField]) -> dict[str, Any]:
    """Clean values keyed by custom field key; ``None`` values mean "clear this field"."""
    if raw in (None, ""):
        return {}
    if not isinstance(raw, Mapping):
        raise InvalidInput(_("fields must be an object of custom field values"), field="fields")
    cleaned: dict[str, Any] = {}
    for key, value in raw.items():
        definition = definitions.get(key)
        if definition is None:
            raise InvalidInput(
                _("unknown custom field '%(key)s' (define it in Settings → Custom fields first)")
                % {"key": key},
                field=f"fields.{key}",
            )
        cleaned[key] = custom_value_clean(definition, value, field=f"fields.{key}")
    return cleaned


def consent_clean(raw: object) -> dict[str, str]:
    if raw in (None, ""):
        return {}
    if not isinstance(raw, Mapping):
        raise InvalidInput(
            _('consent must be an object like {"email": "granted"}'), field="consent"
        )
    cleaned = {}
    for channel, status in raw.items():
        if channel not in Channel.values:
            raise InvalidInput(
                _("unknown consent channel '%(channel)s' (%(channels)s)")
                % {"channel": channel, "channels": ", ".join(Channel.values)},
                field=f"consent.{channel}",
            )
        if status not in ConsentStatus.values:
            raise InvalidInput(
                _("consent must be 'granted' or 'denied'"), field=f"consent.{channel}"
            )
        cleaned[channel] = status
    return cleaned


def language_clean(raw: object, *, field: str = "language") -> str:
    """A contact's language: one Tendril speaks, or "" (null, empty) when unknown."""
    if raw in (None, ""):
        return ""
    if raw not in Language.values:
        raise InvalidInput(
            _("language must be one of %(choices)s, or empty when unknown")
            % {"choices": ", ".join(Language.values)},
            field=field,
        )
    return str(raw)


def contact_clean(
    data: Mapping[str, Any], definitions: Mapping[str, CustomField], *, partial: bool
) -> dict[str, Any]:
    """Clean the given keys of a contact body; with ``partial`` the email may be absent."""
    unknown = set(data) - CONTACT_KEYS
    if unknown:
        name = sorted(unknown)[0]
        raise InvalidInput(_("unknown field '%(name)s'") % {"name": name}, field=name)
    cleaned: dict[str, Any] = {}
    if "email" in data or not partial:
        cleaned["email"] = email_clean(data.get("email"))
    for name, max_length in TEXT_FIELDS.items():
        if name in data:
            cleaned[name] = text_clean(data[name], field=name, max_length=max_length)
    if "company" in data:
        cleaned["company"] = company_clean(data["company"])
    if "fields" in data:
        cleaned["fields"] = custom_fields_clean(data["fields"], definitions)
    if "consent" in data:
        cleaned["consent"] = consent_clean(data["consent"])
    if "stage" in data and data["stage"] is not None:
        cleaned["stage"] = stage_clean(data["stage"])
    if "language" in data:
        cleaned["language"] = language_clean(data["language"])
    if "owner" in data:
        owner = data["owner"]
        if owner is not None and (isinstance(owner, bool) or not isinstance(owner, int)):
            raise InvalidInput(_("owner must be a user id or null"), field="owner")
        cleaned["owner"] = owner
    return cleaned
