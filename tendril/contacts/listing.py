"""What a view of the contact list is made of: its columns (custom fields included), the page
sizes it offers, and the filters a saved view or a bulk job keeps.

The list screen, saved views, bulk jobs and the CSV export all read these, so a column chosen on
the screen is the column exported, and a saved view holds nothing the screen cannot show.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tendril.contacts.models import Contact, CustomField, FieldType
from tendril.contacts.selectors import DEFAULT_ORDER, ContactFilters
from tendril.ui.formatting import day, number

PAGE_SIZES = (25, 50, 100, 200)
DEFAULT_PAGE_SIZE = 50
# A custom field's column is named after its key: "fields.budget".
CUSTOM_PREFIX = "fields."


@dataclass(frozen=True)
class Column:
    key: str
    label: str | Promise
    # The order a first click on the header sorts by ("" when the column cannot sort): highest
    # score and most recent dates first, names and emails from A.
    order: str = ""
    # The columns of the CSV export that carry it (``tendril.contacts.exporter``).
    export: tuple[str, ...] = ()
    field: CustomField | None = None

    @property
    def sort_key(self) -> str:
        """The list order this column sorts by, without its direction."""
        return self.order.lstrip("-")


NAME = Column("name", _("Name"), order="name", export=("first_name", "last_name"))
STANDARD_COLUMNS = (
    NAME,
    Column("email", _("Email"), order="email", export=("email",)),
    Column("company", _("Company"), export=("company", "company_domain")),
    Column("phone", _("Phone"), export=("phone",)),
    Column("stage", _("Stage"), export=("stage",)),
    Column("score", _("Score"), order="-score", export=("score",)),
    Column("owner", _("Owner"), export=("owner",)),
    Column("source", _("Source"), export=("source",)),
    Column("last_seen_at", _("Last seen"), order="-last_seen_at", export=("last_seen_at",)),
    Column("created_at", _("Created"), order="-created_at", export=("created_at",)),
)
DEFAULT_COLUMNS = (
    "name",
    "email",
    "company",
    "stage",
    "score",
    "owner",
    "last_seen_at",
    "created_at",
)


def column_choices(definitions: Iterable[CustomField]) -> list[Column]:
    """Every column the list can show: the standard ones, then one per custom field."""
    custom = [Column(CUSTOM_PREFIX + d.key, d.label, export=(d.key,), field=d) for d in definitions]
    return [*STANDARD_COLUMNS, *custom]


def columns_pick(keys: Iterable[str], definitions: Iterable[CustomField]) -> list[Column]:
    """The columns named by ``keys`` in that order, the name always first (it opens the
    person); unknown keys (a custom field deleted since) are left out. None given: the default
    columns."""
    known = {c.key: c for c in column_choices(definitions)}
    wanted = list(dict.fromkeys(keys)) or list(DEFAULT_COLUMNS)
    picked = [known[k] for k in wanted if k in known and k != NAME.key]
    return [NAME, *picked]


def columns_unknown(keys: Iterable[str], definitions: Iterable[CustomField]) -> list[str]:
    known = {c.key for c in column_choices(definitions)}
    return [k for k in keys if k not in known]


def export_columns(columns: Iterable[Column]) -> list[str]:
    """The CSV columns for list columns: the email first (an export imports back by it)."""
    names = ["email"] + [name for column in columns for name in column.export]
    return list(dict.fromkeys(names))


def filters_dump(filters: ContactFilters) -> dict[str, Any]:
    """The filters as plain JSON, only the ones set: what saved views and bulk jobs store."""
    return {k: v for k, v in asdict(filters).items() if v is not None}


def filters_load(data: Mapping[str, Any]) -> ContactFilters:
    """Stored filters back; a key the list no longer has is left out."""
    names = {f.name for f in fields(ContactFilters)}
    return ContactFilters(**{k: v for k, v in data.items() if k in names})


def list_params(
    *,
    filters: Mapping[str, Any],
    order: str = DEFAULT_ORDER,
    page_size: int = DEFAULT_PAGE_SIZE,
    columns: Sequence[str] = (),
    **extra: object,
) -> list[tuple[str, object]]:
    """The contact list's query parameters for a view of it, without the defaults, so links
    stay short; ``extra`` adds others (None ones are left out)."""
    pairs: list[tuple[str, object]] = [(k, v) for k, v in filters.items() if v not in ("", None)]
    if order != DEFAULT_ORDER:
        pairs.append(("order", order))
    if page_size != DEFAULT_PAGE_SIZE:
        pairs.append(("page_size", page_size))
    pairs += [("columns", c) for c in columns]
    pairs += [(k, v) for k, v in extra.items() if v is not None]
    return pairs


def list_query(**view: Any) -> str:
    """``list_params`` as a querystring (without the "?")."""
    return urlencode(list_params(**view))


def custom_value(contact: Contact, column: Column) -> str:
    """A custom field's value in a list cell."""
    if column.field is None:
        return ""
    return custom_field_text(column.field, contact.fields.get(column.field.key))


def custom_field_text(definition: CustomField, value: object) -> str:
    """A custom field's value as the viewer reads numbers, days and yes/no."""
    if value is None or value == "":
        return ""
    if definition.type == FieldType.BOOLEAN:
        return str(_("Yes") if value else _("No"))
    if definition.type == FieldType.NUMBER:
        return number(value)
    if definition.type == FieldType.DATE:
        try:
            return day(date.fromisoformat(str(value)))
        except ValueError:
            return str(value)
    return str(value)
