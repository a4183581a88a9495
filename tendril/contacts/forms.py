"""Forms of the contact screens. They parse what the browser sent; the services decide what is
valid."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from tendril.accounts.models import User
from tendril.contacts.models import Contact, CustomField, FieldType, Stage

CUSTOM_PREFIX = "cf_"
GRADES = [("", _("Any grade")), ("hot", _("Hot")), ("warm", _("Warm")), ("cold", _("Cold"))]
STANDARD_FIELDS = ("first_name", "last_name", "phone", "stage", "owner")


def _choices(form: forms.Form, name: str, choices: list[tuple[Any, Any]]) -> None:
    cast(forms.ChoiceField, form.fields[name]).choices = choices


class ContactFilterForm(forms.Form):
    q = forms.CharField(required=False, label=_("Search"))
    stage = forms.ChoiceField(required=False, label=_("Stage"))
    grade = forms.ChoiceField(required=False, choices=GRADES, label=_("Grade"))
    owner = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, label=_("Owner"))
    source = forms.ChoiceField(required=False, label=_("Source"))

    def __init__(self, *args: Any, owners: list[User], sources: list[str], **kwargs: Any):
        super().__init__(*args, **kwargs)
        _choices(self, "stage", [("", _("Any stage")), *Stage.choices])
        _choices(self, "owner", [("", _("Any owner"))] + [(u.pk, str(u)) for u in owners])
        _choices(self, "source", [("", _("Any source"))] + [(s, s) for s in sources])
        # The filter bar has no visible labels; screen readers still need a name for each.
        for name in ("stage", "grade", "owner", "source"):
            self.fields[name].widget.attrs["aria-label"] = self.fields[name].label


def _custom_form_field(definition: CustomField) -> forms.Field:
    """A form field per custom field type; values go to the service as typed."""
    label = definition.label
    if definition.type == FieldType.BOOLEAN:
        return forms.BooleanField(required=False, label=label)
    if definition.type == FieldType.CHOICE:
        choices = [("", "—")] + [(c, c) for c in definition.choices]
        return forms.CharField(required=False, label=label, widget=forms.Select(choices=choices))
    widgets: dict[str, forms.Widget] = {
        FieldType.NUMBER: forms.NumberInput(attrs={"step": "any"}),
        FieldType.DATE: forms.DateInput(attrs={"type": "date"}),
    }
    return forms.CharField(
        required=False, label=label, widget=widgets.get(definition.type, forms.TextInput())
    )


class ContactEditForm(forms.Form):
    first_name = forms.CharField(required=False, label=_("First name"))
    last_name = forms.CharField(required=False, label=_("Last name"))
    phone = forms.CharField(required=False, label=_("Phone"))
    stage = forms.ChoiceField(choices=Stage.choices, label=_("Stage"))
    owner = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, label=_("Owner"))

    def __init__(
        self,
        *args: Any,
        contact: Contact,
        definitions: list[CustomField],
        owners: list[User],
        **kwargs: Any,
    ):
        initial = {
            "first_name": contact.first_name,
            "last_name": contact.last_name,
            "phone": contact.phone,
            "stage": contact.stage,
            "owner": contact.owner_id,
        }
        for definition in definitions:
            initial[CUSTOM_PREFIX + definition.key] = contact.fields.get(definition.key)
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        self.contact = contact
        self.definitions = definitions
        _choices(self, "owner", [("", _("Nobody"))] + [(u.pk, str(u)) for u in owners])
        for definition in definitions:
            self.fields[CUSTOM_PREFIX + definition.key] = _custom_form_field(definition)

    def custom_fields(self) -> list[forms.BoundField]:
        return [self[CUSTOM_PREFIX + d.key] for d in self.definitions]

    def standard_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in STANDARD_FIELDS]

    def service_data(self) -> dict[str, Any]:
        """The body for ``contact_update``; empty custom values clear the field."""
        data = {name: self.cleaned_data[name] for name in STANDARD_FIELDS}
        values: dict[str, Any] = {}
        for definition in self.definitions:
            value = self.cleaned_data[CUSTOM_PREFIX + definition.key]
            # An unticked box only means "no" for a contact that had an answer already.
            unanswered = definition.key not in self.contact.fields
            if definition.type == FieldType.BOOLEAN and not value and unanswered:
                continue
            values[definition.key] = value
        data["fields"] = values
        return data

    def add_service_error(self, field: str | None, message: str) -> None:
        """Put a service's message next to the input it is about (or on top of the form)."""
        name = field or ""
        if name.startswith("fields."):
            name = CUSTOM_PREFIX + name.removeprefix("fields.")
        self.add_error(name if name in self.fields else None, message)


class CustomFieldForm(forms.Form):
    label = forms.CharField(label=_("Label"), max_length=100)
    key = forms.CharField(
        label=_("Key"),
        required=False,
        max_length=50,
        help_text=_("Used in the API and imports; made from the label when left empty."),
    )
    type = forms.ChoiceField(label=_("Type"), choices=FieldType.choices)
    choices = forms.CharField(
        label=_("Choices"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For the choice type: one choice per line."),
    )

    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["choices"].splitlines() if line.strip()]


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "The first line must hold the column names. Comma, semicolon or tab separated; "
            "UTF-8 or Windows-1252."
        ),
    )
