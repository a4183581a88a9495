"""The catalogue test: Tendril reads the same in English, Vietnamese and Thai.

It fails when
(a) a message of the vi or th catalogue is untranslated or fuzzy, loses a placeholder, or its
    compiled ``.mo`` is missing or stale;
(b) a string marked for translation in the code or templates is missing from the catalogues,
    i.e. ``make messages`` was not run after it was written;
(c) user-facing text in a template, or a user-facing literal in Python (a message to the user,
    a domain error, a form label, a choice label), is not marked for translation.

Everything is read in pure Python (babel reads the catalogues and extracts Python the way
xgettext does; Django's own ``templatize`` turns templates into what xgettext reads), so the test
needs no gettext tools. After writing new strings, ``make messages`` and translating the new
entries is all it takes to make it pass again.
"""

from __future__ import annotations

import ast
import gettext
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract
from babel.messages.pofile import read_po
from django.conf import settings
from django.template.base import Lexer, TokenType
from django.utils.translation.template import templatize

import tendril

ROOT = Path(tendril.__file__).resolve().parent
LOCALES = Path(settings.LOCALE_PATHS[0])
LANGUAGES = ("vi", "th")
# The directories ``make messages`` ignores, for the same reasons: tests speak to developers,
# built and third-party files are not ours.
IGNORED_DIRS = {"tests", "migrations", "static", "locale", "__pycache__"}
TEMPLATE_SUFFIXES = (".html", ".txt")

# --- reading the sources ----------------------------------------------------------------------


def source_files(*suffixes: str) -> list[Path]:
    return sorted(
        path
        for path in ROOT.rglob("*")
        if path.suffix in suffixes
        and path.is_file()
        and not IGNORED_DIRS.intersection(path.relative_to(ROOT).parts[:-1])
    )


def template_files() -> list[Path]:
    return [p for p in source_files(*TEMPLATE_SUFFIXES) if "templates" in p.parts]


def where(path: Path, line: int) -> str:
    return f"{path.relative_to(ROOT.parent)}:{line}"


# --- (a) the catalogues -----------------------------------------------------------------------


def po_path(language: str) -> Path:
    return LOCALES / language / "LC_MESSAGES" / "django.po"


def catalogue(language: str) -> Catalog:
    with po_path(language).open("rb") as po:
        return read_po(po, locale=language)


def entries(catalog: Catalog) -> list[Message]:
    return [message for message in catalog if message.id]


def singular(message: Message) -> str:
    return message.id[0] if isinstance(message.id, tuple | list) else message.id


def strings(value: str | tuple[str, ...] | list[str]) -> list[str]:
    return list(value) if isinstance(value, tuple | list) else [value]


PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?[#0 +-]?\d*(?:\.\d+)?[sdifr%]")


def placeholders(text: str) -> set[str]:
    return {match.group(0) for match in PLACEHOLDER.finditer(text) if match.group(0) != "%%"}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated_and_none_is_fuzzy(language: str) -> None:
    catalog = catalogue(language)
    problems = [
        f"{language}: {'fuzzy' if message.fuzzy else 'untranslated'}: {singular(message)!r} "
        f"({', '.join(f'{file}:{line}' for file, line in message.locations)})"
        for message in entries(catalog)
        if message.fuzzy or not all(strings(message.string))
    ]
    assert entries(catalog), f"{po_path(language)} has no messages: run `make messages`"
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_header_is_final_with_one_plural_form(language: str) -> None:
    # A fuzzy header is dropped by msgfmt, and the plural rule with it; Vietnamese and Thai
    # have a single form for every count.
    catalog = catalogue(language)
    assert not catalog.fuzzy, f"{po_path(language)}: remove '#, fuzzy' from the header"
    assert catalog.num_plurals == 1, f"{po_path(language)}: Plural-Forms must be nplurals=1"


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_every_placeholder(language: str) -> None:
    problems = []
    for message in entries(catalogue(language)):
        expected = set().union(*(placeholders(text) for text in strings(message.id)))
        for text in strings(message.string):
            if text and placeholders(text) != expected:
                problems.append(
                    f"{language}: {singular(message)!r} needs {sorted(expected)}, "
                    f"its translation has {sorted(placeholders(text))}"
                )
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalogue_matches_its_source(language: str) -> None:
    mo = po_path(language).with_suffix(".mo")
    assert mo.exists(), f"{mo} is missing: run `make messages`"
    with mo.open("rb") as compiled:
        translations = gettext.GNUTranslations(compiled)
    stale = []
    for message in entries(catalogue(language)):
        key = singular(message)
        if message.context:
            key = f"{message.context}\x04{key}"
        compiled_text = translations._catalog.get((key, 0) if message.pluralizable else key)  # type: ignore[attr-defined]
        if compiled_text != strings(message.string)[0]:
            stale.append(singular(message))
    assert stale == [], f"{mo} is older than its .po: run `make messages`: {stale[:5]}"


# --- (b) every marked string is in the catalogues ---------------------------------------------

# The keywords makemessages gives xgettext, as babel keyword specs.
KEYWORDS = {
    "_": None,
    "gettext": None,
    "gettext_lazy": None,
    "gettext_noop": None,
    "ngettext": (1, 2),
    "ngettext_lazy": (1, 2),
    "pgettext": ((1, "c"), 2),
    "pgettext_lazy": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "npgettext_lazy": ((1, "c"), 2, 3),
}

MsgKey = tuple[str | None, str]


def extract_python(path: Path, code: str) -> Iterator[tuple[MsgKey, str]]:
    for line, message, _comments, context in extract(
        "python", io.BytesIO(code.encode()), keywords=KEYWORDS, comment_tags=()
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        yield (context, msgid), where(path, line)


def template_code(source: str, path: Path) -> str:
    """The template as the Python makemessages hands xgettext. Its lines keep the template's
    indentation, which xgettext ignores and Python's tokenizer does not: it is dropped here
    (each string sits whole on one line, so nothing in a string is lost)."""
    code = templatize(source, origin=str(path))
    return "\n".join(line.lstrip() for line in code.split("\n"))


def marked_strings() -> dict[MsgKey, str]:
    """Every (context, msgid) marked in the code and templates, with where it first appears."""
    found: dict[MsgKey, str] = {}
    for path in source_files(".py"):
        for key, place in extract_python(path, path.read_text()):
            found.setdefault(key, place)
    for path in template_files():
        for key, place in extract_python(path, template_code(path.read_text(), path)):
            found.setdefault(key, place)
    return found


def test_extraction_reads_templates_as_makemessages_does() -> None:
    # blocktranslate builds its msgid with %(name)s placeholders and doubles a literal %.
    source = (
        "{% load i18n %}<div>\n  {% blocktranslate count n=rows %}{{ n }} row, 5% done"
        "{% plural %}{{ n }} rows{% endblocktranslate %}\n"
        '</div>\n{% translate "Sign in" context "verb" %}'
    )
    code = template_code(source, ROOT / "x.html")
    keys = {key for key, _place in extract_python(ROOT / "x.html", code)}
    assert keys == {(None, "%(n)s row, 5%% done"), ("verb", "Sign in")}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_marked_string_is_in_the_catalogue(language: str) -> None:
    known = {(message.context, singular(message)) for message in entries(catalogue(language))}
    missing = [
        f"{place}: {msgid!r}" + (f" (context {context!r})" if context else "")
        for (context, msgid), place in sorted(marked_strings().items(), key=lambda kv: kv[1])
        if (context, msgid) not in known
    ]
    assert missing == [], (
        f"not in the {language} catalogue (run `make messages` and translate):\n"
        + "\n".join(missing)
    )


# --- (c) nothing user-facing escapes translation ----------------------------------------------

WORD = re.compile(r"[^\W\d_]+")
# Names and acronyms read the same in every language, and each language is named in itself.
ALLOWED_WORDS = {"Tendril", "CSV", "API", "JSON", "URL", "IANA", "UTC"}
ALLOWED_WORDS |= {word for _code, name in settings.LANGUAGES for word in WORD.findall(name)}


def has_words(text: str) -> bool:
    return any(word not in ALLOWED_WORDS for word in WORD.findall(text))


# Attributes a person reads (or hears from a screen reader), and the buttons' own values.
VISIBLE_ATTRIBUTES = {
    "title",
    "placeholder",
    "aria-label",
    "aria-description",
    "aria-placeholder",
    "aria-valuetext",
    "alt",
    "label",
    "hx-confirm",
    "data-confirm",
}
BUTTON_TYPES = {"submit", "button", "reset"}
# Tags whose text is not prose: code, and examples to type as they are.
UNSEEN_TAGS = {"script", "style", "code", "pre", "kbd", "samp"}
# Template blocks whose text is translated (blocktranslate) or never shown (comment, verbatim).
SKIPPED_BLOCKS = {"blocktranslate": "endblocktranslate", "blocktrans": "endblocktrans"}
SKIPPED_BLOCKS |= {"comment": "endcomment", "verbatim": "endverbatim"}


def template_skeleton(source: str) -> str:
    """The template's literal HTML and text, with every tag, variable and translated block
    blanked out; newlines are kept so that lines still match the file's."""
    out = []
    closing: str | None = None
    for token in Lexer(source).tokenize():
        raw = token.contents
        if token.token_type == TokenType.BLOCK:
            name = raw.split()[0] if raw.split() else ""
            if closing is None and name in SKIPPED_BLOCKS:
                closing = SKIPPED_BLOCKS[name]
            elif name == closing:
                closing = None
        if token.token_type == TokenType.TEXT and closing is None:
            out.append(raw)
        else:
            # A blanked token leaves a space (so words either side stay apart) and its newlines.
            out.append(" " + "\n" * raw.count("\n"))
    return "".join(out)


@dataclass
class Unmarked:
    line: int
    text: str


class VisibleText(HTMLParser):
    """Collects the text a person sees in the HTML skeleton of a template."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[Unmarked] = []
        self.unseen = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in UNSEEN_TAGS:
            self.unseen += 1
        values = {name.strip(): value or "" for name, value in attrs}
        visible = set(VISIBLE_ATTRIBUTES)
        if tag == "input" and values.get("type", "").strip() in BUTTON_TYPES:
            visible.add("value")
        for name, value in values.items():
            if name in visible and has_words(value):
                self.found.append(Unmarked(self.getpos()[0], f'{name}="{value.strip()}"'))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag in UNSEEN_TAGS:
            self.unseen -= 1

    def handle_endtag(self, tag: str) -> None:
        if tag in UNSEEN_TAGS:
            self.unseen = max(0, self.unseen - 1)

    def handle_data(self, data: str) -> None:
        if not self.unseen and has_words(data):
            # getpos() is where the data starts; point at its first line with words.
            skipped = data[: len(data) - len(data.lstrip())].count("\n")
            self.found.append(Unmarked(self.getpos()[0] + skipped, " ".join(data.split())))


def unmarked_template_text(source: str) -> list[Unmarked]:
    parser = VisibleText()
    parser.feed(template_skeleton(source))
    parser.close()
    return parser.found


# Python calls whose string arguments a person reads: (function name, positions, keywords).
DOMAIN_ERRORS = {"DomainError", "InvalidInput", "MalformedInput", "NotFound", "Conflict"}
DOMAIN_ERRORS |= {"Forbidden", "ValidationError"}
MESSAGE_LEVELS = {"debug", "info", "success", "warning", "error"}
USER_TEXT_ARGS: dict[str, tuple[tuple[int, ...], set[str]]] = {
    **{name: ((0,), {"message"}) for name in DOMAIN_ERRORS},
    **{level: ((1,), {"message"}) for level in MESSAGE_LEVELS},
    "add_message": ((2,), {"message"}),
    "first_or_not_found": ((1,), {"message"}),
    "confirm_page": ((), {"title", "text", "button"}),
    "nav_entry": ((1,), {"label"}),
    "settings_entry": ((1, 2), {"label", "description"}),
}
FORM_TEXT_KEYWORDS = {"label", "help_text", "empty_label"}
CHOICES_BASES = {"TextChoices", "IntegerChoices", "Choices"}


def literal_text(node: ast.AST | None) -> bool:
    """Whether ``node`` builds user text from literals no translation function went through."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and has_words(node.value)
    if isinstance(node, ast.JoinedStr):
        return any(literal_text(part) for part in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Mod):
        return literal_text(node.left) or (
            isinstance(node.op, ast.Add) and literal_text(node.right)
        )
    if isinstance(node, ast.IfExp):
        return literal_text(node.body) or literal_text(node.orelse)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return node.func.attr in {"format", "join"} and literal_text(node.func.value)
    return False


def called_name(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def is_messages_call(call: ast.Call) -> bool:
    func = call.func
    return isinstance(func, ast.Attribute) and getattr(func.value, "id", "") == "messages"


def is_forms_call(call: ast.Call) -> bool:
    func = call.func
    return isinstance(func, ast.Attribute) and getattr(func.value, "id", "") == "forms"


def user_text_nodes(call: ast.Call) -> Iterator[ast.AST]:
    name = called_name(call)
    if name in MESSAGE_LEVELS | {"add_message"} and not is_messages_call(call):
        return
    positions, keywords = USER_TEXT_ARGS.get(name, ((), set()))
    if is_forms_call(call):
        keywords = keywords | FORM_TEXT_KEYWORDS
    for position in positions:
        if position < len(call.args):
            yield call.args[position]
    for keyword in call.keywords:
        if keyword.arg in keywords:
            yield keyword.value
    # Widget attributes a person reads: attrs={"placeholder": "…"}.
    for value in [*call.args, *(k.value for k in call.keywords)]:
        if isinstance(value, ast.Dict):
            for key, item in zip(value.keys, value.values, strict=True):
                if isinstance(key, ast.Constant) and key.value in VISIBLE_ATTRIBUTES:
                    yield item


def choice_labels(cls: ast.ClassDef) -> Iterator[ast.AST]:
    """The labels of a TextChoices class; a member without one gets a label made from its
    name, in English only, so it is reported as the member itself."""
    if not {getattr(base, "id", getattr(base, "attr", "")) for base in cls.bases} & CHOICES_BASES:
        return
    for statement in cls.body:
        if isinstance(statement, ast.Assign) and not statement.targets[0].id.startswith("_"):  # type: ignore[attr-defined]
            value = statement.value
            if isinstance(value, ast.Tuple) and len(value.elts) > 1:
                yield value.elts[-1]
            elif isinstance(value, ast.Constant):
                yield ast.Constant(value="unlabelled choice", lineno=statement.lineno)


def unmarked_python_text(source: str) -> list[Unmarked]:
    found = []
    for node in ast.walk(ast.parse(source)):
        candidates: Iterator[ast.AST] = iter(())
        if isinstance(node, ast.Call):
            candidates = user_text_nodes(node)
        elif isinstance(node, ast.ClassDef):
            candidates = choice_labels(node)
        for candidate in candidates:
            if literal_text(candidate):
                text = ast.unparse(candidate) if not isinstance(candidate, ast.Constant) else None
                found.append(Unmarked(candidate.lineno, text or repr(candidate.value)))  # type: ignore[attr-defined]
    return sorted(found, key=lambda u: u.line)


def report(problems: list[tuple[Path, Unmarked]], what: str) -> str:
    lines = [f"{where(path, u.line)}: {u.text[:100]}" for path, u in problems]
    return f"{what}; wrap it in a translation function:\n" + "\n".join(lines)


def test_no_template_shows_unmarked_text() -> None:
    problems = [
        (path, unmarked)
        for path in template_files()
        for unmarked in unmarked_template_text(path.read_text())
    ]
    assert problems == [], report(problems, "template text not marked for translation")


def test_no_python_literal_reaches_the_user_unmarked() -> None:
    problems = [
        (path, unmarked)
        for path in source_files(".py")
        for unmarked in unmarked_python_text(path.read_text())
    ]
    assert problems == [], report(problems, "user-facing Python text not marked for translation")


# The detectors themselves, so that a change to them cannot silently make them blind.


def test_template_detector_finds_text_and_visible_attributes_and_skips_the_marked() -> None:
    source = (
        "{% load i18n %}<h1>Contacts</h1>\n"
        '<input placeholder="Search" class="wide">\n'
        '<button type="submit" value="granted" title="{% translate "Save" %}">{{ b }}</button>\n'
        "{% blocktranslate %}Hi {{ n }}{% endblocktranslate %} — 42 · Tendril <code>curl</code>\n"
        "{% comment %}a note{% endcomment %}<script>let x = 'y';</script>\n"
        '<a class="{% if on %}active{% endif %}">{% translate "Home" %}</a>\n'
        '<input type="submit" value="Go">\n'
    )
    found = [(u.line, u.text) for u in unmarked_template_text(source)]
    assert found == [(1, "Contacts"), (2, 'placeholder="Search"'), (7, 'value="Go"')]


def test_python_detector_finds_unmarked_errors_messages_labels_and_choices() -> None:
    source = (
        "from django import forms, models\n"
        "from django.utils.translation import gettext as _\n"
        "raise InvalidInput('give it a name', field='name')\n"
        "raise Conflict(f'{email} exists')\n"
        "raise NotFound(_('no such contact'))\n"
        "messages.success(request, 'Saved.')\n"
        "name = forms.CharField(label='Name', help_text=_('Shown in lists'))\n"
        "row = first_or_not_found(rows, 'no row with id %s' % pk)\n"
        "class Stage(models.TextChoices):\n"
        "    LEAD = 'lead', _('Lead')\n"
        "    MQL = 'mql', 'Marketing qualified'\n"
        "    SQL = 'sql'\n"
        "log.error('not for people')\n"
    )
    assert [u.line for u in unmarked_python_text(source)] == [3, 4, 6, 7, 8, 11, 12]
