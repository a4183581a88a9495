"""The Alerts box's form: who is told when a contact enters the segment, and how. It only
parses the ticks; the service judges them."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tendril.accounts.models import User
from tendril.alerts.selectors import alert_choices


class PersonChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:  # type: ignore[override]
        return f"{obj} ({obj.get_role_display()})"


class AlertForm(forms.Form):
    active = forms.BooleanField(label=_("Alerts on"), required=False)
    in_app = forms.BooleanField(label=_("In Tendril (the bell)"), required=False)
    by_email = forms.BooleanField(label=_("By email"), required=False)
    users = PersonChoice(
        label=_("Who is told"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["users"].queryset = alert_choices()  # type: ignore[attr-defined]
