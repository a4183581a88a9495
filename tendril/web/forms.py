"""The form builder's Django forms: a web form's settings, and its fields as rows of a formset
(which contact field each fills, its label, type, whether it is required, a list's options).
They only parse what was typed; the services judge the result, and the views put their messages
on the input (or the row) they name."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tendril.contacts.models import CustomField
from tendril.ui.forms import ServiceForm, ServiceRows, more_rows, posted_rows
from tendril.web import landing, services
from tendril.web.models import Form, LandingPage

# What each contact field and type is called on the builder (services name the keys).
CONTACT_LABELS: dict[str, Promise] = {
    "email": _("Email"),
    "first_name": _("First name"),
    "last_name": _("Last name"),
    "phone": _("Phone"),
    "company": _("Company"),
}
TYPE_LABELS: dict[str, Promise] = {
    "text": _("Text"),
    "email": _("Email address"),
    "tel": _("Phone number"),
    "textarea": _("Long text"),
    "select": _("List of options"),
    "checkbox": _("Checkbox"),
    "hidden": _("Hidden"),
}
# Rows shown empty under a form's fields, ready to be filled.
EXTRA_ROWS = 2


def key_choices(current: list[str] | tuple[str, ...] = ()) -> list[Any]:
    """The contact fields a row can fill, grouped: contact, custom (by label), campaign (hidden).
    A key a form already has but that no longer exists (a deleted custom field) stays listed,
    so the form shows what it holds and the service says what is wrong with it."""
    custom = [(f"{services.CUSTOM}{c.key}", c.label) for c in CustomField.objects.order_by("label")]
    known = {*CONTACT_LABELS, *services.UTM_KEYS, *(key for key, _label in custom)}
    unknown = [(key, key) for key in current if key and key not in known]
    groups: list[Any] = [
        ("", "—"),
        (_("Contact"), [(key, CONTACT_LABELS[key]) for key in services.CONTACT_KEYS]),
    ]
    if custom or unknown:
        groups.append((_("Custom fields"), custom + unknown))
    groups.append((_("Campaign (hidden)"), [(key, key) for key in services.UTM_KEYS]))
    return groups


def key_label(key: str, custom: dict[str, str]) -> str:
    """The name a marketer knows a field key by."""
    if key in CONTACT_LABELS:
        return str(CONTACT_LABELS[key])
    return custom.get(key.removeprefix(services.CUSTOM), key)


class FormSettings(ServiceForm):
    name = forms.CharField(label=_("Name"), max_length=services.MAX_NAME)
    consent_text = forms.CharField(
        label=_("Consent text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Shown next to a box the person ticks to agree to receive emails; the exact text "
            "is stored with their consent. Empty: the form asks for no consent."
        ),
    )
    double_opt_in = forms.BooleanField(
        label=_("Double opt-in"),
        required=False,
        help_text=_("The consent counts once the person confirms it from the email they receive."),
    )
    thank_you = forms.CharField(
        label=_("Thank-you message"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Shown after the form is sent. Empty: a short thank-you."),
    )
    redirect_url = forms.CharField(
        label=_("Go to this address after sending"),
        required=False,
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocapitalize": "off"}),
        help_text=_("Optional: an http or https address shown instead of the thank-you message."),
    )

    @classmethod
    def for_form(cls, form: Form) -> FormSettings:
        return cls(
            initial={
                "name": form.name,
                "consent_text": form.consent_text,
                "double_opt_in": form.double_opt_in,
                "thank_you": form.thank_you,
                "redirect_url": form.redirect_url,
            }
        )


class FieldRow(forms.Form):
    """One field of the form: a row of the builder's table."""

    key = forms.ChoiceField(label=_("Contact field"), required=False)
    label = forms.CharField(label=_("Label"), required=False, max_length=services.MAX_LABEL)
    type = forms.ChoiceField(
        label=_("Type"), choices=list(TYPE_LABELS.items()), required=False, initial="text"
    )
    required = forms.BooleanField(label=_("Required"), required=False)
    options = forms.CharField(
        label=_("Options"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 16}),
    )
    remove = forms.BooleanField(label=_("Remove"), required=False)

    def __init__(self, *args: Any, key_choices: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        key = self.fields["key"]
        assert isinstance(key, forms.ChoiceField)
        key.choices = key_choices
        # The table's head names the columns; each input still says what it is on its own.
        for field in self.fields.values():
            field.widget.attrs["aria-label"] = field.label

    @property
    def blank(self) -> bool:
        """An extra row left empty, or one marked for removal: not part of the form."""
        data = self.cleaned_data
        return data.get("remove", False) or not (data.get("key") or data.get("label"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("label") and not data.get("key") and not data.get("remove"):
            self.add_error("key", _("Choose the contact field this fills."))
        return data

    def service_item(self) -> dict[str, Any]:
        data = self.cleaned_data
        field: dict[str, Any] = {
            "key": data["key"],
            "label": data["label"],
            "type": data["type"] or "text",
            "required": data["required"],
        }
        if field["type"] == "select":
            lines = (line.strip() for line in data["options"].splitlines())
            field["options"] = [line for line in lines if line]
        return field


MAX_ROWS = services.MAX_FIELDS + EXTRA_ROWS
FieldRows = forms.formset_factory(
    FieldRow, formset=ServiceRows, extra=0, max_num=MAX_ROWS, absolute_max=MAX_ROWS
)


def field_rows(
    data: Any = None, *, fields: list[dict[str, Any]] | None = None, extra: int = 0
) -> ServiceRows:
    """The builder's rows: posted ones (``extra`` more when "Add a field" was pressed), or a
    form's fields with ``extra`` empty rows under them."""
    initial: list[dict[str, Any]] | None = None
    if data is None:
        current = [f["key"] for f in fields or []]
        initial = [{**f, "options": "\n".join(f.get("options") or [])} for f in fields or []]
        initial += [{"type": "text"}] * extra
    else:
        total = posted_rows(data, prefix="fields", most=MAX_ROWS)
        current = [str(data.get(f"fields-{i}-key") or "") for i in range(total)]
        if extra:
            data = more_rows(data, prefix="fields", extra=extra, most=MAX_ROWS)
    rows = FieldRows(
        data, initial=initial, prefix="fields", form_kwargs={"key_choices": key_choices(current)}
    )
    assert isinstance(rows, ServiceRows)
    return rows


LANGUAGE_LABELS: dict[str, Promise] = {
    "en": _("English"),
    "vi": _("Vietnamese"),
    "th": _("Thai"),
}


class PageSettings(ServiceForm):
    """A landing page's name, address and what search engines and shared links show (its
    blocks come from the editor, as JSON in the post's ``blocks``)."""

    name = forms.CharField(label=_("Name"), max_length=landing.MAX_NAME)
    slug = forms.CharField(
        label=_("Address"),
        required=False,
        max_length=landing.MAX_SLUG,
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocapitalize": "off"}),
        help_text=_(
            "The page is at /p/ followed by this: lower-case letters a-z, digits and hyphens. "
            "Empty: made from the name."
        ),
    )
    language = forms.ChoiceField(label=_("Language"), choices=list(LANGUAGE_LABELS.items()))
    seo_title = forms.CharField(
        label=_("Title for search engines"),
        required=False,
        max_length=landing.MAX_SEO_TITLE,
        help_text=_("The browser tab's title and the headline in search results. Empty: the name."),
    )
    seo_description = forms.CharField(
        label=_("Description for search engines"),
        required=False,
        max_length=landing.MAX_SEO_DESCRIPTION,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One or two sentences shown under the title in search results and shares."),
    )
    og_image = forms.CharField(
        label=_("Sharing image"),
        required=False,
        max_length=2000,
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocapitalize": "off"}),
        help_text=_("Optional: an https:// address of the picture shown when the page is shared."),
    )

    @classmethod
    def for_page(cls, page: LandingPage | None) -> PageSettings:
        if page is None:
            return cls(initial={"language": "en"})
        return cls(
            initial={
                "name": page.name,
                "slug": page.slug,
                "language": page.language,
                "seo_title": page.seo_title,
                "seo_description": page.seo_description,
                "og_image": page.og_image,
            }
        )
