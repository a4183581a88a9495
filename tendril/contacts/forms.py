"""Forms of the contact screens. They parse what the browser sent; the services decide what is
valid."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from tendril.accounts.models import User
from tendril.contacts.companies import company_name_key
from tendril.contacts.models import (
    ConsentStatus,
    Contact,
    CustomField,
    FieldType,
    Grade,
    Language,
)
from tendril.contacts.stages import stage_label, stages

CUSTOM_PREFIX = "cf_"
GRADES = [("", _("Any grade")), *Grade.choices]
# The contact's own fields in the order the screens show them.
STANDARD_FIELDS = ("first_name", "last_name", "phone", "company", "language", "stage", "owner")
# The ones the service takes as the form cleaned them (the company is sent only when changed).
PLAIN_FIELDS = ("first_name", "last_name", "phone", "stage", "owner")
# The id of the <datalist> the company input suggests existing companies from.
COMPANY_OPTIONS = "company-options"


def _choices(form: forms.Form, name: str, choices: list[tuple[Any, Any]]) -> None:
    cast(forms.ChoiceField, form.fields[name]).choices = choices


class ContactFilterForm(forms.Form):
    q = forms.CharField(required=False, label=_("Search"))
    stage = forms.ChoiceField(required=False, label=_("Stage"))
    grade = forms.ChoiceField(required=False, choices=GRADES, label=_("Grade"))
    owner = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, label=_("Owner"))
    source = forms.ChoiceField(required=False, label=_("Source"))
    # Set by the links of a segment's page (the segments capability); kept as the list changes.
    segment = forms.IntegerField(
        required=False, min_value=1, max_value=2**62, widget=forms.HiddenInput
    )

    def __init__(self, *args: Any, owners: list[User], sources: list[str], **kwargs: Any):
        super().__init__(*args, **kwargs)
        _choices(self, "stage", [("", _("Any stage")), *stages()])
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
    """A contact's fields, custom fields included, as the contact page edits them; the base of
    the "New contact" form, so both screens show and send the same fields the same way."""

    first_name = forms.CharField(required=False, label=_("First name"))
    last_name = forms.CharField(required=False, label=_("Last name"))
    phone = forms.CharField(required=False, label=_("Phone"))
    company = forms.CharField(
        required=False,
        max_length=200,
        label=_("Company"),
        help_text=_(
            "Choose a company or type the name of a new one. Left empty, the company of the "
            "email address's domain is used."
        ),
        # As the name is typed, htmx fills the <datalist> with the companies it matches.
        widget=forms.TextInput(
            attrs={
                "list": COMPANY_OPTIONS,
                "autocomplete": "off",
                "hx-get": reverse_lazy("contacts:company_suggest"),
                "hx-trigger": "input changed delay:250ms",
                "hx-target": f"#{COMPANY_OPTIONS}",
                "hx-sync": "this:replace",
            }
        ),
    )
    language = forms.ChoiceField(
        required=False,
        label=_("Language"),
        choices=[("", _("Not set")), *Language.choices],
        help_text=_("The language of the emails this person gets, and the order of their name."),
    )
    stage = forms.ChoiceField(label=_("Stage"))
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
            "company": contact.company.name if contact.company else "",
            "language": contact.language,
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
        offered = stages()
        if contact.stage not in dict(offered):  # a stage hidden since: kept, not offered
            offered.append((contact.stage, stage_label(contact.stage)))
        _choices(self, "stage", offered)
        for definition in definitions:
            self.fields[CUSTOM_PREFIX + definition.key] = _custom_form_field(definition)

    def custom_fields(self) -> list[forms.BoundField]:
        return [self[CUSTOM_PREFIX + d.key] for d in self.definitions]

    def standard_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in STANDARD_FIELDS]

    def service_data(self) -> dict[str, Any]:
        """The body for ``contact_update``; empty custom values clear the field. The company
        goes only when its name was changed: an unchanged name must not move the contact to
        another company of the same name."""
        data = {name: self.cleaned_data[name] for name in PLAIN_FIELDS}
        if data["stage"] == self.contact.stage:
            del data["stage"]  # unchanged: a stage hidden since stays without being re-checked
        data["language"] = self.cleaned_data["language"] or None
        company = self.cleaned_data["company"]
        if company_name_key(company) != company_name_key(self.initial["company"]):
            data["company"] = {"name": company} if company else None
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
        elif name.startswith("company."):
            name = "company"
        elif name.startswith("consent."):
            name = "email_consent"
        self.add_error(name if name in self.fields else None, message)


class ContactCreateForm(ContactEditForm):
    """The "New contact" form: the edit form's fields, and the email and email consent a
    contact is created with."""

    email = forms.CharField(
        label=_("Email"), max_length=254, widget=forms.EmailInput(attrs={"autofocus": True})
    )
    email_consent = forms.ChoiceField(
        required=False,
        label=_("Email consent"),
        choices=[("", _("Not asked")), *ConsentStatus.choices],
    )

    def standard_fields(self) -> list[forms.BoundField]:
        return [self["email"], *super().standard_fields(), self["email_consent"]]

    def service_data(self) -> dict[str, Any]:
        """The body for ``contact_create``."""
        data = super().service_data()
        data["email"] = self.cleaned_data["email"]
        if self.cleaned_data["email_consent"]:
            data["consent"] = {"email": self.cleaned_data["email_consent"]}
        return data


class CompanyForm(forms.Form):
    """A company's own fields, for the "New company" and "Edit company" screens."""

    name = forms.CharField(
        label=_("Name"),
        max_length=200,
        error_messages={"required": _("Give the company a name.")},
    )
    domain = forms.CharField(
        label=_("Domain"),
        required=False,
        max_length=253,
        help_text=_("Like acme.com: http://, www. and any path are left out."),
    )
    industry = forms.CharField(label=_("Industry"), required=False, max_length=100)
    employees = forms.IntegerField(
        label=_("Employees"), required=False, min_value=0, max_value=2_000_000_000
    )


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


class SavedViewForm(forms.Form):
    """Naming the contact list as it is shown now (its filters, columns and sort come along as
    hidden fields); the saved views service checks the name."""

    name = forms.CharField(label=_("View name"), max_length=100)
    shared = forms.BooleanField(label=_("Share with the team"), required=False)


class MergeForm(forms.Form):
    """The duplicate to merge into the contact whose page this is, named by its email."""

    email = forms.CharField(
        max_length=254,
        label=_("Email address of the duplicate"),
        help_text=_("Its history moves to this contact, which fills its empty details from it."),
    )
