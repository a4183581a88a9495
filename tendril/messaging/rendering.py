"""Personalising an email for one contact: the subject, HTML and text templates run in Jinja2's
sandbox, ``ImmutableSandboxedEnvironment`` (marketers write them; they must never reach the
server's internals nor change what they are given), the HTML with autoescape on (a contact
named ``<script>`` stays text), its CSS inlined by css-inline, and a plain-text part made from
the HTML when the email has none (htmltext.py).

Two moments matter:
- saving (``template_check``): a syntax error, an unknown filter or test, and any reach for an
  attribute the sandbox refuses (``''.__class__``, ``|attr('__globals__')``, ``x['_y']``) is
  reported with its line ("Line 3: unexpected '}'"), on the field it is in, before anything is
  stored: the static scan finds the ones in branches a sample contact would not enter;
- sending (``render``): whatever still goes wrong (a sandbox refusal, a division by zero, a
  runaway ``range``) raises ``RenderFailed`` naming the email, and never takes a worker down.

What a template sees (``contact_context``): ``contact`` (names, ``name`` in the contact's own
name order, email, phone, language, stage, grade, score, ``fields.<custom field>``, and
``in_segment(id)`` / ``segments``, looked up only when called), ``company`` (name, domain,
industry, employees), ``unsubscribe_url`` and ``preferences_url``. Plain values only: a model
instance would offer its ``delete()`` and ``save()`` to the template.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache, lru_cache
from types import TracebackType
from typing import Any

import css_inline
from django.utils.translation import gettext as _
from jinja2 import Template, TemplateSyntaxError, nodes
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment, SandboxedEnvironment

from tendril.contacts.models import Contact
from tendril.contacts.selectors import grade_for
from tendril.core.errors import DomainError, InvalidInput
from tendril.messaging.htmltext import html_to_text
from tendril.preferences.links import preference_url, unsubscribe_url
from tendril.segments.selectors import segments_of

# The template's own name in Jinja2's tracebacks: frames under it carry the template's lines.
TEMPLATE_FILE = "<template>"
# The fields a template lives in, as the API and the forms name them.
FIELDS = ("subject", "html", "text")


class RenderFailed(DomainError):
    """An email could not be personalised for a contact (a template error only sending found)."""

    status = 422


# What one template may cost. The sandbox keeps a template from the server's internals, not from
# looping or allocating: a marketer's slip (or a hostile template) must not hold the save or a
# sending worker for long, nor fill its memory.
MAX_SECONDS = 2.0
MAX_OUTPUT = 2_000_000  # characters of one rendered part, and of any string or list it makes
MAX_RANGE = 10_000
MAX_POWER = 64
# The name every loop's items pass through (see ``_Sandbox._parse``).
LOOP_GUARD = "tendril_loop"
_deadline: ContextVar[float] = ContextVar("tendril_template_deadline", default=0.0)
# A printf width or precision of seven digits or more, or taken from an argument (``%*s``).
HUGE_FORMAT = re.compile(r"%[-+ #0]*(?:\d{7,}|\*)|%[-+ #0]*\d*\.(?:\d{7,}|\*)")


class TooCostly(SecurityError):
    """A template that runs too long or makes too much: refused like a sandbox escape."""


def _too_costly() -> TooCostly:
    return TooCostly(_("it takes too long or makes too much to personalise."))


def _check_time() -> None:
    deadline = _deadline.get()
    if deadline and time.monotonic() > deadline:
        raise _too_costly()


def _check_size(*values: object) -> None:
    """Refuse a number that would make a string, a list or a padding past ``MAX_OUTPUT``, and
    a printf format that asks for a huge width."""
    for value in values:
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_OUTPUT:
            raise _too_costly()
        if isinstance(value, str) and HUGE_FORMAT.search(value):
            raise _too_costly()


def _guarded(items: Iterable[Any]) -> Iterator[Any]:
    for count, item in enumerate(items):
        if not count % 256:
            _check_time()
        yield item


def _range(*args: int) -> range:
    _check_time()
    numbers = range(*args)
    if len(numbers) > MAX_RANGE:
        raise _too_costly()
    return numbers


class _Sandbox(ImmutableSandboxedEnvironment):
    """Jinja2's immutable sandbox (a template cannot change the lists and dicts it is given:
    the sample person's context is shared by every check) with a budget: ``range`` capped, the
    clock checked at each call and loop, ``*``, ``**`` and ``%`` kept to sizes an email needs."""

    intercepted_binops = frozenset({"*", "**", "%"})

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        """Every ``{% for %}`` iterates through ``LOOP_GUARD``, which checks the clock as it
        goes: a loop over a long string or list calls nothing the other checks would see."""
        tree = super()._parse(source, name, filename)
        for loop in tree.find_all(nodes.For):
            guard = nodes.Name(LOOP_GUARD, "load", lineno=loop.lineno)
            loop.iter = nodes.Call(guard, [loop.iter], [], None, None, lineno=loop.lineno)
        return tree

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        _check_time()
        if operator == "**" and isinstance(right, int | float) and abs(right) > MAX_POWER:
            raise _too_costly()
        if operator == "*":
            for items, times in ((left, right), (right, left)):
                sized = isinstance(items, str | list | tuple) and isinstance(times, int)
                if sized and len(items) * times > MAX_OUTPUT:
                    raise _too_costly()
        if operator == "%":
            _check_size(left)
        return super().call_binop(context, operator, left, right)

    def call(self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        _check_time()
        _check_size(*args, *kwargs.values())
        return super().call(__context, __obj, *args, **kwargs)


def _sized_filter(real: Callable[..., Any]) -> Callable[..., Any]:
    # Jinja2 runs filters of constants while compiling: the check must hold there too.
    def checked(*args: Any, **kwargs: Any) -> Any:
        _check_time()
        _check_size(*args, *kwargs.values())
        return real(*args, **kwargs)

    checked.__name__ = getattr(real, "__name__", "filter")
    return checked


def _environment(*, autoescape: bool) -> SandboxedEnvironment:
    env = _Sandbox(autoescape=autoescape, keep_trailing_newline=True)
    # Jinja2's demo helpers have no use in an email and only widen what a template reaches.
    for name in ("lipsum", "cycler", "joiner"):
        env.globals.pop(name, None)
    env.globals["range"] = _range
    env.globals[LOOP_GUARD] = _guarded
    # The filters that pad or format to a width a template gives.
    for name in ("center", "indent", "format"):
        env.filters[name] = _sized_filter(env.filters[name])
    return env


HTML_ENV = _environment(autoescape=True)
TEXT_ENV = _environment(autoescape=False)


def _env(field: str) -> SandboxedEnvironment:
    return HTML_ENV if field == "html" else TEXT_ENV


@cache
def _inliner() -> css_inline.CSSInliner:
    # No network: a template's <link> to a remote stylesheet is never fetched. At-rules
    # (@media for phones) cannot be inlined and stay in the <style> tag.
    return css_inline.CSSInliner(load_remote_stylesheets=False, keep_at_rules=True)


# --- checking at save time --------------------------------------------------------------------


def _line_error(field: str, line: int | None, message: str) -> InvalidInput:
    if not line:  # the message stands alone: a sentence
        return InvalidInput(message[:1].upper() + message[1:], field=field)
    text = _("Line %(line)s: %(message)s") % {"line": line, "message": message}
    return InvalidInput(text, field=field)


def _private(name: object) -> bool:
    return isinstance(name, str) and name.startswith("_")


def _unsafe_nodes(tree: nodes.Node) -> Iterator[tuple[int, str]]:
    """Every reach for a private attribute, wherever it sits (a branch the sample contact would
    not enter included): ``x.__class__``, ``x['__class__']``, ``x|attr('__class__')``, and a
    format string that names one (``'{0.__class__}'.format(x)``: the sandbox answers it with
    nothing, but it is no email's business)."""
    for node in tree.find_all((nodes.Getattr, nodes.Getitem, nodes.Filter, nodes.Call)):
        if isinstance(node, nodes.Call):
            call = node.node
            if (
                isinstance(call, nodes.Getattr)
                and call.attr in ("format", "format_map")
                and isinstance(call.node, nodes.Const)
                and re.search(r"[.\[]_", str(call.node.value))
            ):
                yield node.lineno, call.attr
        elif isinstance(node, nodes.Getattr) and _private(node.attr):
            yield node.lineno, node.attr
        elif isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
            if _private(node.arg.value):
                yield node.lineno, str(node.arg.value)
        elif isinstance(node, nodes.Filter) and node.name == "attr" and node.args:
            arg = node.args[0]
            if isinstance(arg, nodes.Const) and _private(arg.value):
                yield node.lineno, str(arg.value)


def _template_line(traceback: TracebackType | None) -> int | None:
    """The template line an error was raised on (Jinja2 rewrites its frames to them)."""
    line = None
    while traceback is not None:
        if traceback.tb_frame.f_code.co_filename == TEMPLATE_FILE:
            line = traceback.tb_lineno
        traceback = traceback.tb_next
    return line


def template_check(source: str, *, field: str) -> None:
    """InvalidInput on ``field`` with the line of the first problem a marketer must fix."""
    env = _env(field)
    try:
        tree = env.parse(source)
        template = env.from_string(source)
    except TemplateSyntaxError as exc:
        raise _line_error(field, exc.lineno, exc.message or str(exc)) from None
    for line, name in _unsafe_nodes(tree):
        raise _line_error(
            field, line, _("“%(name)s” cannot be used in an email template.") % {"name": name}
        )
    # What only running shows (a format string reaching for internals, say): run it for a made-up
    # contact. Other runtime errors depend on the real contact's data and are left to sending.
    try:
        _budgeted(template, SAMPLE_CONTEXT)
    except SecurityError as exc:
        if isinstance(exc, TooCostly):
            message = str(exc)
        else:
            message = _("this is not allowed in an email template.")
        raise _line_error(field, _template_line(exc.__traceback__), message) from None
    except Exception:  # only the sandbox's refusals block a save
        pass


def templates_check(values: Mapping[str, str]) -> None:
    """Check each template field present in ``values`` (subject, html, text)."""
    for field in FIELDS:
        if field in values:
            template_check(values[field], field=field)


# --- what a template sees ---------------------------------------------------------------------


def _segment_lookup(
    contact_id: int | None,
) -> tuple[Callable[[object], bool], Callable[[], list[int]]]:
    """``in_segment`` and ``segments`` for one contact, reading the memberships once, when a
    template first asks (most emails never do)."""
    found: list[list[int]] = []

    def ids() -> list[int]:
        if not found:
            found.append(segments_of(contact_id) if contact_id else [])
        return found[0]

    def in_segment(segment_id: object) -> bool:
        return isinstance(segment_id, int) and segment_id in ids()

    return in_segment, ids


class _LazySegments:
    """``contact.segments``: the ids of the contact's segments, read on first use."""

    def __init__(self, ids: Callable[[], list[int]]) -> None:
        self._ids = ids

    def __iter__(self) -> Iterator[int]:
        return iter(self._ids())

    def __contains__(self, item: object) -> bool:
        return item in self._ids()

    def __len__(self) -> int:
        return len(self._ids())

    def __str__(self) -> str:
        return ", ".join(str(i) for i in self._ids())


def contact_context(contact: Contact, *, links: bool = True) -> dict[str, Any]:
    """The variables of a template personalised for ``contact`` (see the module's docstring).
    Without ``links`` (a contact that is not stored: a test send without one) the unsubscribe
    and preference links name no one."""
    in_segment, ids = _segment_lookup(contact.pk)
    company = contact.company
    return {
        "contact": {
            "first_name": contact.first_name,
            "last_name": contact.last_name,
            # In the contact's own order: "Nguyễn Thị Hằng" for a Vietnamese contact.
            "name": contact.display_name if (contact.first_name or contact.last_name) else "",
            "email": contact.email,
            "phone": contact.phone,
            "language": contact.language,
            "stage": contact.stage,
            "grade": grade_for(contact.score),
            "score": contact.score,
            "fields": dict(contact.fields or {}),
            "in_segment": in_segment,
            "segments": _LazySegments(ids),
        },
        "company": {
            "name": company.name,
            "domain": company.domain or "",
            "industry": company.industry,
            "employees": company.employees,
        }
        if company is not None
        else {},
        "unsubscribe_url": unsubscribe_url(contact) if links and contact.pk else "",
        "preferences_url": preference_url(contact) if links and contact.pk else "",
    }


def _sample_context() -> dict[str, Any]:
    return {
        "contact": {
            "first_name": "Alex",
            "last_name": "Sample",
            "name": "Alex Sample",
            "email": "alex@example.com",
            "phone": "",
            "language": "en",
            "stage": "lead",
            "grade": "warm",
            "score": 5,
            "fields": {},
            "in_segment": lambda segment_id: False,
            "segments": [],
        },
        "company": {"name": "Example", "domain": "example.com", "industry": "", "employees": 10},
        "unsubscribe_url": "https://example.com/u/sample/one-click",
        "preferences_url": "https://example.com/u/sample",
    }


SAMPLE_CONTEXT = _sample_context()


# --- rendering --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    html: str
    text: str


def _budgeted(template: Template, context: Mapping[str, Any]) -> str:
    """The template's output, stopped (TooCostly) past ``MAX_SECONDS`` or ``MAX_OUTPUT``."""
    token = _deadline.set(time.monotonic() + MAX_SECONDS)
    try:
        parts: list[str] = []
        size = 0
        for part in template.generate(context):
            size += len(part)
            if size > MAX_OUTPUT:
                raise _too_costly()
            _check_time()
            parts.append(part)
        return "".join(parts)
    finally:
        _deadline.reset(token)


@lru_cache(maxsize=256)
def _compiled(field: str, source: str) -> Template:
    """Compiling costs more than running: an email sent to many people compiles once."""
    return _env(field).from_string(source)


def _run(source: str, field: str, context: Mapping[str, Any], email_name: str) -> str:
    try:
        return _budgeted(_compiled(field, source), context)
    except Exception as exc:  # any error: a template never takes a worker down
        line = _template_line(exc.__traceback__)
        where = field
        if line:
            where = _("line %(line)s of the %(field)s") % {"line": line, "field": field}
        raise RenderFailed(
            _("The email “%(name)s” could not be personalised (%(where)s): %(error)s")
            % {"name": email_name, "where": where, "error": exc},
            field=field,
        ) from None


def inline_css(html: str) -> str:
    """The HTML with its <style> rules written into each element's style attribute (what most
    mail clients read), the @media rules kept for phones."""
    if "<style" not in html.lower():
        # Nothing to inline (css-inline would also wrap a fragment in <html><body>).
        return html
    return _inliner().inline(html)


def render(
    *, name: str, subject: str, html: str, text: str, context: Mapping[str, Any]
) -> RenderedEmail:
    """The email's three parts for one person; RenderFailed (naming ``name``) on any error."""
    rendered_subject = _run(subject, "subject", context, name)
    rendered_html = inline_css(_run(html, "html", context, name)) if html.strip() else ""
    if text.strip():
        rendered_text = _run(text, "text", context, name)
    else:
        rendered_text = html_to_text(rendered_html)
    # A header is one line: a name with a newline in it must not add headers.
    return RenderedEmail(
        subject=" ".join(rendered_subject.split()), html=rendered_html, text=rendered_text
    )
