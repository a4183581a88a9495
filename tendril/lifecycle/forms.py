"""The lifecycle screens' forms: a stage rule, and a stage's name. They only parse what was
typed; the services judge it, and their messages go on the field they name
(``tendril.ui.views.form_error``)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from tendril.contacts.stages import stages
from tendril.lifecycle.models import StageRule, Trigger
from tendril.segments.selectors import segment_list


class _ConditionsField(forms.JSONField):
    """JSON conditions, shown empty (not as ``null``) when there are none."""

    def prepare_value(self, value: Any) -> Any:
        return "" if value is None else super().prepare_value(value)


class StageRuleForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    stage = forms.ChoiceField(
        label=_("Move to stage"),
        help_text=_("Contacts already at this stage or further along stay where they are."),
    )
    trigger = forms.ChoiceField(
        label=_("When"), choices=Trigger.choices, widget=forms.RadioSelect, initial=Trigger.SCORE
    )
    score = forms.IntegerField(
        label=_("Score"),
        required=False,
        help_text=_("The contact moves once their score is this or more."),
    )
    segment = forms.TypedChoiceField(
        label=_("Segment"), required=False, coerce=int, empty_value=None
    )
    event = forms.CharField(
        label=_("Event"),
        max_length=80,
        required=False,
        # The page lists the known event types in a <datalist> of this id to pick from.
        widget=forms.TextInput(attrs={"list": "event-types", "autocomplete": "off"}),
        help_text=_("The event type that moves the contact, like purchase."),
    )
    where = _ConditionsField(
        label=_("Only when"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_('Conditions on the event\'s properties, like {"amount": {"gte": 100}}.'),
    )
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    # Which trigger each field belongs to: the page shows only the chosen trigger's fields.
    TRIGGER_FIELDS = {
        "score": Trigger.SCORE,
        "segment": Trigger.SEGMENT,
        "event": Trigger.EVENT,
        "where": Trigger.EVENT,
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["stage"]).choices = stages()
        cast(forms.ChoiceField, self.fields["segment"]).choices = [("", "—")] + [
            (s.pk, s.name) for s in segment_list()
        ]
        for name, trigger in self.TRIGGER_FIELDS.items():
            self.fields[name].widget.attrs["data-trigger"] = trigger

    @classmethod
    def for_rule(cls, rule: StageRule) -> StageRuleForm:
        return cls(
            initial={
                "name": rule.name,
                "stage": rule.stage,
                "trigger": rule.trigger,
                "score": rule.score,
                "segment": rule.segment_id,
                "event": rule.event,
                "where": rule.where or None,
                "active": rule.active,
            }
        )

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["where"] = data["where"] or {}
        return data


class StageAddForm(forms.Form):
    label = forms.CharField(label=_("Name"), max_length=60)
    key = forms.CharField(
        label=_("Key"),
        max_length=32,
        required=False,
        help_text=_("What the API and imports use; made from the name when left empty."),
    )


class StageNameForm(forms.Form):
    label = forms.CharField(label=_("Name"), max_length=60, required=False)
