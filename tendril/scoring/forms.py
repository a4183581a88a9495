"""The scoring screens' forms: a rule, and the grade thresholds with decay. They only parse what
was typed; the services judge it, and their messages are put on the field they name."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tendril.core.durations import duration_iso
from tendril.scoring.models import ScoringRule, ScoringSettings


class RuleForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    event = forms.CharField(
        label=_("Event"),
        max_length=80,
        # The page lists the known event types in a <datalist> of this id to pick from.
        widget=forms.TextInput(attrs={"list": "event-types", "autocomplete": "off"}),
        help_text=_("The event type that gives points, like page_view or asset_downloaded."),
    )
    where = forms.JSONField(
        label=_("Only when"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            'Conditions on the event\'s properties, like {"url": {"contains": "/pricing"}}.'
        ),
    )
    points = forms.IntegerField(
        label=_("Points"), help_text=_("Negative points take away, like -5 for an unsubscribe.")
    )
    max_per_contact = forms.IntegerField(
        label=_("Most points per contact"),
        required=False,
        help_text=_("Leave empty for no limit."),
    )
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    @classmethod
    def for_rule(cls, rule: ScoringRule) -> RuleForm:
        return cls(
            initial={
                "name": rule.name,
                "event": rule.event,
                "where": rule.where or None,
                "points": rule.points,
                "max_per_contact": rule.max_per_contact,
                "active": rule.active,
            }
        )

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["where"] = data["where"] or {}
        return data


class ThresholdsForm(forms.Form):
    hot = forms.IntegerField(label=_("Hot from"), help_text=_("Contacts with this score or more."))
    warm = forms.IntegerField(
        label=_("Warm from"), help_text=_("Contacts with this score or more, below hot.")
    )
    decay_points = forms.IntegerField(
        label=_("Decay points"),
        min_value=0,
        help_text=_("Points a contact loses each period; 0 for no decay."),
    )
    decay_every = forms.CharField(
        label=_("Decay every"),
        required=False,
        help_text=_("A length of time like P7D (a week) or PT12H (12 hours)."),
    )

    @classmethod
    def for_settings(cls, row: ScoringSettings) -> ThresholdsForm:
        every = row.decay_every
        return cls(
            initial={
                "hot": row.hot,
                "warm": row.warm,
                "decay_points": row.decay_points,
                "decay_every": duration_iso(every) if every else "",
            }
        )
