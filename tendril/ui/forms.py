"""The shell's forms: signing in, the confirmations destructive actions post, and the pieces
every app's editors share (a settings form handing its data to a service, and a table of rows
that are the items of a list a service takes, such as a web form's fields or a slot's
variants)."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from tendril.core.errors import DomainError


class LoginForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("Email"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )


class ConfirmForm(forms.Form):
    """Destructive actions post this; the confirmation page is the one place it is shown."""

    confirm = forms.BooleanField(required=True)


def _typed_form(text: str) -> str:
    """What a person typed, as compared: no case, no spaces, no digit grouping ("1,234",
    "1.234" and "1 234" all read 1234)."""
    return re.sub(r"[\s,.'\u00a0\u202f]", "", text).casefold()


class TypedConfirmForm(forms.Form):
    """For the largest destructive actions: the person types what will happen (a number of
    contacts, a word shown to them), so a stray click cannot do it."""

    typed = forms.CharField(max_length=100)

    def __init__(self, *args: Any, expected: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.expected = expected
        self.fields["typed"].label = _("Type %(expected)s to confirm") % {"expected": expected}

    def clean_typed(self) -> str:
        typed: str = self.cleaned_data["typed"]
        if _typed_form(typed) != _typed_form(self.expected):
            raise forms.ValidationError(
                _("Type %(expected)s exactly to confirm.") % {"expected": self.expected}
            )
        return typed


class ServiceForm(forms.Form):
    """A form whose cleaned data a service takes as its ``data`` (subclasses turn choices
    into ids where the service wants them)."""

    def service_data(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class ServiceRows(forms.BaseFormSet):  # type: ignore[type-arg]
    """A formset whose rows are the items of the list a service takes under the formset's
    prefix (``fields``, ``variants``). Each row form says whether it is ``blank`` (left empty,
    or marked for removal) and gives its ``service_item()``."""

    @property
    def path(self) -> str:
        """What services call the list: the formset's prefix."""
        return str(self.prefix)

    def service_items(self) -> tuple[list[dict[str, Any]], list[int]]:
        """The items for the service, and for each the index of the row it came from (a
        service's ``fields[i]`` is row ``positions[i]``: empty and removed rows are skipped)."""
        items, positions = [], []
        for index, row in enumerate(self.forms):
            if not row.blank:
                items.append(row.service_item())
                positions.append(index)
        return items, positions

    def place_error(self, positions: list[int], exc: DomainError) -> str | None:
        """Put a service's message about ``<prefix>[i]`` (or ``<prefix>[i].label``...) on the
        row it came from, in that column when the row has one; the message about the list as
        a whole is returned for the top of the table."""
        match = re.match(rf"^{re.escape(self.path)}\[(\d+)\](?:\.(\w+))?", exc.field or "")
        if match is None or int(match[1]) >= len(positions):
            return exc.message
        row = self.forms[positions[int(match[1])]]
        row.add_error(match[2] if match[2] in row.fields else None, exc.message)
        return None


def posted_rows(data: Any, *, prefix: str, most: int) -> int:
    """How many rows a post says it holds, at most ``most``."""
    try:
        return min(max(0, int(data.get(f"{prefix}-TOTAL_FORMS") or 0)), most)
    except ValueError:
        return 0  # a tampered count: the formset reports its management form as broken


def more_rows(data: Any, *, prefix: str, extra: int, most: int) -> Any:
    """The post with ``extra`` more (empty) rows, as when "Add a row" was pressed."""
    data = data.copy()
    data[f"{prefix}-TOTAL_FORMS"] = str(
        min(posted_rows(data, prefix=prefix, most=most) + extra, most)
    )
    return data
