"""The screens' Django forms: a slot's settings and its variants as rows of a formset, and a
pop-up's settings. They only parse what was typed; the services judge it, and the views put
their messages on the input (or the variant row) they name."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tendril.contacts.models import Grade
from tendril.contacts.stages import stages
from tendril.personalisation import services
from tendril.personalisation.models import Known, Popup, Slot, Trigger, VisitNumber
from tendril.segments.models import Segment
from tendril.tracking.models import Site
from tendril.ui.forms import ServiceForm, ServiceRows, more_rows
from tendril.web.models import Form

# Empty variant rows shown under a slot's variants, ready to be filled.
EXTRA_ROWS = 2
ANY = ("", _("Any"))


def _site_choices(*, blank: str | None) -> list[tuple[str, str]]:
    sites = [
        (str(pk), name) for pk, name in Site.objects.order_by("name").values_list("pk", "name")
    ]
    return ([("", blank)] if blank is not None else []) + sites


def _id_or_none(value: str) -> int | None:
    return int(value) if value else None


class SlotSettings(ServiceForm):
    name = forms.CharField(label=_("Name"), max_length=services.MAX_NAME)
    key = forms.CharField(
        label=_("Key"),
        max_length=services.MAX_KEY,
        help_text=_('What pages name the slot by: <div data-tendril-slot="key">.'),
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocapitalize": "off"}),
    )
    site = forms.ChoiceField(label=_("Site"), required=False)
    content = forms.CharField(
        label=_("Default content"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown when no variant fits. HTML is allowed; scripts and styles are removed."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        site = self.fields["site"]
        assert isinstance(site, forms.ChoiceField)
        site.choices = _site_choices(blank=str(_("Every site")))

    @classmethod
    def for_slot(cls, slot: Slot) -> SlotSettings:
        return cls(
            initial={
                "name": slot.name,
                "key": slot.key,
                "site": str(slot.site_id or ""),
                "content": slot.content,
            }
        )

    def service_data(self) -> dict[str, Any]:
        data = super().service_data()
        data["site"] = _id_or_none(data["site"])
        return data


class VariantRow(forms.Form):
    """One variant: its conditions (each "Any" by default) and its content."""

    visit = forms.ChoiceField(label=_("Visit"), required=False, choices=[ANY, *VisitNumber.choices])
    known = forms.ChoiceField(label=_("Who"), required=False, choices=[ANY, *Known.choices])
    segment = forms.ChoiceField(label=_("Segment"), required=False)
    grade = forms.ChoiceField(label=_("Grade"), required=False, choices=[ANY, *Grade.choices])
    stage = forms.ChoiceField(label=_("Stage"), required=False)
    content = forms.CharField(
        label=_("Content"), required=False, widget=forms.Textarea(attrs={"rows": 2, "cols": 30})
    )
    remove = forms.BooleanField(label=_("Remove"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        segment, stage = self.fields["segment"], self.fields["stage"]
        assert isinstance(segment, forms.ChoiceField) and isinstance(stage, forms.ChoiceField)
        segment.choices = [ANY] + [
            (str(pk), name)
            for pk, name in Segment.objects.order_by("name").values_list("pk", "name")
        ]
        stage.choices = [ANY, *stages()]
        for field in self.fields.values():
            field.widget.attrs["aria-label"] = field.label

    @property
    def blank(self) -> bool:
        """An empty extra row, or one marked for removal: not part of the slot."""
        data = self.cleaned_data
        conditions = ("visit", "known", "segment", "grade", "stage", "content")
        return data.get("remove", False) or not any(data.get(k) for k in conditions)

    def service_item(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "visit": data["visit"],
            "known": data["known"],
            "segment": _id_or_none(data["segment"]),
            "grade": data["grade"],
            "stage": data["stage"],
            "content": data["content"],
        }


MAX_ROWS = services.MAX_VARIANTS + EXTRA_ROWS
VariantRows = forms.formset_factory(
    VariantRow, formset=ServiceRows, extra=0, max_num=MAX_ROWS, absolute_max=MAX_ROWS
)


def variant_rows(data: Any = None, *, slot: Slot | None = None, extra: int = 0) -> ServiceRows:
    """The slot's variant rows: posted ones (``extra`` more when "Add a variant" was pressed),
    or the slot's variants with ``extra`` empty rows under them."""
    initial: list[dict[str, Any]] | None = None
    if data is None:
        initial = [
            {
                "visit": v.visit,
                "known": v.known,
                "segment": str(v.segment_id or ""),
                "grade": v.grade,
                "stage": v.stage,
                "content": v.content,
            }
            for v in (slot.variants.all() if slot else [])
        ]
        initial += [{}] * extra
    elif extra:
        data = more_rows(data, prefix="variants", extra=extra, most=MAX_ROWS)
    rows = VariantRows(data, initial=initial, prefix="variants")
    assert isinstance(rows, ServiceRows)
    return rows


class PopupSettings(ServiceForm):
    name = forms.CharField(label=_("Name"), max_length=services.MAX_NAME)
    site = forms.ChoiceField(label=_("Site"))
    form = forms.ChoiceField(label=_("Form"), help_text=_("The form the pop-up holds."))
    headline = forms.CharField(
        label=_("Headline"), required=False, max_length=services.MAX_HEADLINE
    )
    text = forms.CharField(
        label=_("Text"),
        required=False,
        max_length=services.MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Plain text above the form."),
    )
    trigger = forms.ChoiceField(label=_("Show it"), choices=Trigger.choices)
    trigger_value = forms.IntegerField(
        label=_("Seconds, or percent of the page"),
        required=False,
        min_value=0,
        help_text=_("After some seconds: how many. After scrolling: how far down, 1 to 100 %."),
    )
    every_days = forms.IntegerField(
        label=_("At most once every (days)"),
        min_value=0,
        initial=1,
        help_text=_("0: on every visit, within the limit below."),
    )
    max_times = forms.IntegerField(
        label=_("At most this many times per visitor"), min_value=1, initial=3
    )
    url_contains = forms.CharField(
        label=_("Only on pages whose address contains"),
        required=False,
        max_length=services.MAX_URL_PART,
        help_text=_("Empty: every page of the site. For example /pricing."),
    )
    only_anonymous = forms.BooleanField(
        label=_("Only to anonymous visitors"),
        required=False,
        help_text=_("Known contacts never see it."),
    )
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        site, form = self.fields["site"], self.fields["form"]
        assert isinstance(site, forms.ChoiceField) and isinstance(form, forms.ChoiceField)
        site.choices = _site_choices(blank="—")
        form.choices = [("", "—")] + [
            (str(pk), name) for pk, name in Form.objects.order_by("name").values_list("pk", "name")
        ]

    @classmethod
    def for_popup(cls, popup: Popup) -> PopupSettings:
        return cls(
            initial={
                **popup.settings(),
                "site": str(popup.site_id),
                "form": str(popup.form_id or ""),
            }
        )

    def service_data(self) -> dict[str, Any]:
        data = super().service_data()
        data["site"] = _id_or_none(data["site"])
        data["form"] = _id_or_none(data["form"])
        data["trigger_value"] = data["trigger_value"] or 0
        return data
