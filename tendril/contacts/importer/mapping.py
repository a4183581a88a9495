"""Which contact field each column of the file fills: automatic suggestions from the header
(case, spaces and punctuation do not matter), an explicit mapping, the columns Tendril computes
and skips, and every problem with the header raised before a row is written."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tendril.contacts.models import CustomField
from tendril.contacts.services import custom_field_definitions
from tendril.core.errors import InvalidInput

IGNORE = "ignore"

# Target → label in the mapping select. Custom fields come as "fields.<key>".
CONTACT_TARGETS: dict[str, Any] = {
    "email": gettext_lazy("Email"),
    "first_name": gettext_lazy("First name"),
    "last_name": gettext_lazy("Last name"),
    "phone": gettext_lazy("Phone"),
    "company": gettext_lazy("Company name"),
    "company_domain": gettext_lazy("Company domain"),
    "industry": gettext_lazy("Company industry"),
    "employees": gettext_lazy("Company employees"),
    "source": gettext_lazy("Source"),
    "stage": gettext_lazy("Stage"),
    "owner": gettext_lazy("Owner (a user's email)"),
    "email_consent": gettext_lazy("Email consent (granted / denied)"),
    "language": gettext_lazy("Language (en, vi or th)"),
}
_ALIASES = {
    "emailaddress": "email",
    "mail": "email",
    "firstname": "first_name",
    "givenname": "first_name",
    "lastname": "last_name",
    "surname": "last_name",
    "familyname": "last_name",
    "phonenumber": "phone",
    "telephone": "phone",
    "mobile": "phone",
    "companyname": "company",
    "organisation": "company",
    "organization": "company",
    "domain": "company_domain",
    "website": "company_domain",
    "companyindustry": "industry",
    "companyemployees": "employees",
    "numberofemployees": "employees",
    "lifecyclestage": "stage",
    "owneremail": "owner",
    "consent": "email_consent",
    "emailoptin": "email_consent",
    "lang": "language",
    "preferredlanguage": "language",
}
# What Tendril computes itself (its export writes them): recognised and skipped.
_COMPUTED = frozenset({"id", "score", "grade", "createdat", "updatedat", "lastseenat"})


def norm_name(text: str) -> str:
    return re.sub(r"[\s_\-.]+", "", text.strip().lower())


def suggest_target(header: str, customs: Mapping[str, CustomField]) -> str | None:
    """The field a header means, ``IGNORE`` for Tendril's computed columns, or None."""
    name = norm_name(header)
    if header.strip().lower().startswith("fields."):
        key = header.strip()[len("fields.") :]
        return f"fields.{key}" if key in customs else None
    for target in CONTACT_TARGETS:
        if name == norm_name(target):
            return target
    if name in _ALIASES:
        return _ALIASES[name]
    for key, definition in customs.items():
        if name in (norm_name(key), norm_name(definition.label)):
            return f"fields.{key}"
    return IGNORE if name in _COMPUTED else None


def _mapped_target(value: str, customs: Mapping[str, CustomField]) -> str | None:
    if value.strip().lower() in ("", IGNORE):
        return IGNORE
    target = suggest_target(value, customs)
    return None if target == IGNORE else target


def mapping_choices() -> list[tuple[str, str]]:
    """(value, label) of every mapping target, for the mapping select of the import screen."""
    choices = [(target, str(label)) for target, label in CONTACT_TARGETS.items()]
    choices += [(f"fields.{f.key}", f.label) for f in CustomField.objects.all()]
    return [*choices, (IGNORE, _("Ignore this column"))]


@dataclass(frozen=True)
class Column:
    index: int
    header: str
    target: str
    label: str  # how messages name the column; made once, not per cell (1M rows)


def _column(index: int, header: str, target: str) -> Column:
    return Column(index, header, target, _("column '%(name)s'") % {"name": header})


def plan_columns(
    headers: list[str], mapping: Mapping[str, str] | None, customs: Mapping[str, CustomField]
) -> list[Column]:
    """The columns to read and what each one fills; every problem with the header is raised
    here, before a single row is written."""
    mapping = mapping or {}
    missing = [name for name in mapping if name.strip() not in headers]
    if missing:
        raise InvalidInput(
            _("the mapping names the column '%(name)s', which is not in the file's header row")
            % {"name": missing[0]},
            field="mapping",
        )
    stripped = {name.strip(): value for name, value in mapping.items()}
    columns: list[Column] = []
    unknown: list[str] = []
    for index, header in enumerate(headers):
        if not header:
            continue  # no name: a row with a value there is rejected (see _Row)
        if header in stripped:
            target = _mapped_target(str(stripped[header]), customs)
            if target is None:
                raise InvalidInput(
                    _(
                        "the mapping sends the column '%(name)s' to '%(target)s', which is not "
                        "a contact field or custom field"
                    )
                    % {"name": header, "target": stripped[header]},
                    field="mapping",
                )
        else:
            target = suggest_target(header, customs)
        if target is None:
            unknown.append(header)
        elif target != IGNORE:
            columns.append(_column(index, header, target))
    if unknown:
        names = ", ".join(f"'{name}'" for name in unknown)
        raise InvalidInput(
            _(
                "the file has columns Tendril does not know: %(names)s. Map each one to a "
                'contact field or a custom field, or to "ignore" to skip it (for example '
                'mapping {"%(first)s": "ignore"}); custom fields are added in Settings.'
            )
            % {"names": names, "first": unknown[0]},
            field="mapping",
        )
    seen: dict[str, str] = {}
    for column in columns:
        if column.target in seen:
            raise InvalidInput(
                _("the columns '%(a)s' and '%(b)s' both fill %(target)s; ignore one of them")
                % {"a": seen[column.target], "b": column.header, "target": column.target},
                field="mapping",
            )
        seen[column.target] = column.header
    if "email" not in seen:
        raise InvalidInput(
            _("the file has no email column: name one 'email' or map a column to email"),
            field="mapping",
        )
    return columns


def import_mapping_check(*, headers: list[str], mapping: Mapping[str, str] | None) -> None:
    """Raise the problem a mapping has with these headers, if any (the preview screen)."""
    plan_columns(headers, mapping, custom_field_definitions())


def mapping_parse(mapping_json: str | None) -> dict[str, str] | None:
    if not mapping_json or not mapping_json.strip():
        return None
    try:
        mapping = json.loads(mapping_json)
    except ValueError:
        mapping = None
    if not isinstance(mapping, dict) or not all(
        isinstance(k, str) and isinstance(v, str | None) for k, v in mapping.items()
    ):
        raise InvalidInput(
            _('mapping must be a JSON object like {"E-mail": "email", "Notes": "ignore"}'),
            field="mapping",
        )
    return {k: v or "" for k, v in mapping.items()}
