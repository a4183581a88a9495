"""The topic form of the marketers' screens: it only parses what was typed; the services judge
it, and ``form_error`` puts their messages on the field they name."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tendril.preferences import services
from tendril.preferences.models import Topic


def _description(label: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=services.MAX_DESCRIPTION,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class TopicForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=services.MAX_NAME,
        help_text=_("As people read it on their preference centre, e.g. “Monthly newsletter”."),
    )
    description = _description(_("Description"))
    key = forms.CharField(
        label=_("Key"),
        required=False,
        max_length=services.MAX_KEY,
        help_text=_("What emails and the API name the topic by; made from the name when empty."),
    )
    position = forms.IntegerField(label=_("Position"), required=False, min_value=0)
    name_vi = forms.CharField(label=_("Name in Vietnamese"), required=False, max_length=100)
    description_vi = _description(_("Description in Vietnamese"))
    name_th = forms.CharField(label=_("Name in Thai"), required=False, max_length=100)
    description_th = _description(_("Description in Thai"))

    @classmethod
    def for_topic(cls, topic: Topic) -> TopicForm:
        return cls(initial={name: getattr(topic, name) for name in cls.base_fields})

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        if data.get("position") is None:
            data.pop("position", None)
        return data
