"""The personas screens' forms: a persona, a dimension, a stage, and a contact's stage on the
contact page. They only parse what was typed; the services judge it, and ``form_error`` puts
their messages on the field they name."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tendril.personas import selectors, services
from tendril.personas.models import DimensionKind, Persona
from tendril.segments.selectors import segment_list


class PersonaForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=services.MAX_NAME)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=services.MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Who they are: role, company, age, where they live, how they look for help."),
    )
    goals = forms.CharField(
        label=_("Goals"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One goal a line."),
    )
    dimension = forms.TypedChoiceField(label=_("Buying stages"), coerce=int)
    segments = forms.TypedMultipleChoiceField(
        label=_("Segments"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The segments that hold the real contacts who fit this persona."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        dimension = self.fields["dimension"]
        segments = self.fields["segments"]
        assert isinstance(dimension, forms.TypedChoiceField)
        assert isinstance(segments, forms.TypedMultipleChoiceField)
        dimension.choices = [(d.pk, d.display_name) for d in selectors.dimension_list()]
        segments.choices = [(s.pk, s.name) for s in segment_list()]

    @classmethod
    def for_persona(cls, persona: Persona) -> PersonaForm:
        return cls(
            initial={
                "name": persona.name,
                "description": persona.description,
                "goals": "\n".join(persona.goals),
                "dimension": persona.dimension_id,
                "segments": [s.pk for s in persona.segments.all()],
            }
        )

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "description": data["description"],
            "goals": data["goals"].splitlines(),
            "dimension": data["dimension"],
            "segments": list(data["segments"]),
        }


class DimensionForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=services.MAX_NAME)
    kind = forms.ChoiceField(label=_("Kind"), choices=DimensionKind.choices)


class DimensionNameForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=services.MAX_NAME)


class StageForm(forms.Form):
    label = forms.CharField(label=_("Stage"), max_length=services.MAX_LABEL, required=False)
    description = forms.CharField(
        label=_("What the buyer thinks and does here"),
        required=False,
        max_length=services.MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ContactStageForm(forms.Form):
    """The stage picked on the contact page; "" clears it."""

    stage = forms.CharField(required=False, max_length=50)
