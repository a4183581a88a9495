"""The blocks landing pages are built from: a registry of block types, each with its label, the
fields the editor shows for it, how its values are checked and how it is drawn.

A block is stored as a JSON object, its type and its fields' values:
``{"type": "button", "label": "Get the ebook", "url": "https://..."}``. The editor reads the
registered types and their fields from the server (:func:`editor_types`), so a new type needs
no change to the editor.

Another app adds a type from its ``AppConfig.ready()``::

    from tendril.web.blocks import BlockProblem, FieldSpec, block_type

    def render_slot(data, context):
        # context.visitor is the browser's tendril_vid ("" when unknown or in a preview);
        # return HTML with every outside value escaped (format_html, render_to_string).
        return format_html("<div class='slot'>{}</div>", data["fallback"])

    def check_slot(data):
        if data["key"] == "secret":
            raise BlockProblem("key", _("This slot is reserved."))
        return data

    block_type(
        name="slot",
        label=_("Personalised slot"),
        fields=[
            FieldSpec("key", _("Slot"), "text", required=True, max_length=50),
            FieldSpec("fallback", _("Shown to everyone else"), "textarea"),
        ],
        render=render_slot,
        validate=check_slot,
    )

Each field's value is checked against its spec first (type, length, required, an http(s)
address, one of the choices, an existing form or file); ``validate`` then gets the cleaned
values and may refuse them with :class:`BlockProblem` (the field and the message) or return
them changed. A message reaches the marketer as "Block 3 (Button): ..." and the API as
``blocks[2].url``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.html import escape, format_html, linebreaks
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tendril.core.errors import InvalidInput
from tendril.tracking.services import UTM_KEYS
from tendril.web.form_render import form_context
from tendril.web.images import image_path_url
from tendril.web.models import Asset, Form, PageImage

if TYPE_CHECKING:
    from tendril.web.models import LandingPage

Text = str | Promise
FieldKind = Literal["text", "textarea", "url", "choice", "form", "asset", "image"]
MAX_BLOCKS = 100
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


@dataclass(frozen=True)
class FieldSpec:
    """One value of a block, as the editor asks for it: ``kind`` is ``text``, ``textarea``,
    ``url`` (an http or https address), ``choice`` (one of ``choices``: (value, label) pairs),
    ``form`` (one of the forms), ``asset`` (one of the gated files) or ``image`` (one of the
    pictures uploaded for pages; the editor lets the marketer upload one there)."""

    name: str
    label: Text
    kind: FieldKind = "text"
    required: bool = False
    max_length: int = 500
    choices: tuple[tuple[str, Text], ...] = ()
    help: Text = ""
    default: str = ""

    def editor(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "label": str(self.label),
            "kind": self.kind,
            "required": self.required,
            "max_length": self.max_length,
            "choices": [[value, str(label)] for value, label in self.choices],
            "help": str(self.help),
            "default": self.default,
        }


class BlockProblem(Exception):
    """A block's value refused by its type: which field, and why (in the marketer's words)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class PostedForm:
    """A form of the page sent back to it: what was typed and what is wrong, or that it was
    received (and the signed download link of its file)."""

    values: dict[str, Any]
    errors: dict[str, str]
    done: bool = False
    download: str = ""


@dataclass(frozen=True)
class RenderContext:
    """What a block may know while it is drawn: the page, whether this is a preview (only
    signed-in users see it; nothing is sent or counted), the visitor's browser id, the page's
    public address (a form records it as where it was sent from), the request, and a form of
    the page that was just sent back to it."""

    page: LandingPage
    preview: bool = False
    visitor: str = ""
    url: str = ""
    request: HttpRequest | None = None
    posted: Mapping[int, PostedForm] = field(default_factory=dict)
    # The block being drawn (0 for the first): unique element ids on the page.
    index: int = 0


Validator = Callable[[dict[str, Any]], dict[str, Any]]
Renderer = Callable[[dict[str, Any], RenderContext], str]


@dataclass(frozen=True)
class BlockType:
    name: str
    label: Text
    fields: tuple[FieldSpec, ...]
    render: Renderer
    validate: Validator | None = None


_types: dict[str, BlockType] = {}


def block_type(
    *,
    name: str,
    label: Text,
    fields: Iterable[FieldSpec],
    render: Renderer,
    validate: Validator | None = None,
) -> BlockType:
    """Register a block type (from an app's ``AppConfig.ready()``); the editor lists it next to
    the built-in ones. Registering a name again replaces that type."""
    if not _NAME.match(name):
        raise ValueError(f"a block type's name is a-z, 0-9 and _ (got {name!r})")
    specs = tuple(fields)
    names = [spec.name for spec in specs]
    if "type" in names or len(set(names)) != len(names):
        raise ValueError(f"block type {name!r}: field names must be unique and not 'type'")
    kind = BlockType(name=name, label=label, fields=specs, render=render, validate=validate)
    _types[name] = kind
    return kind


def block_types() -> list[BlockType]:
    """Every registered type, in the order they were registered."""
    return list(_types.values())


def block_type_get(name: object) -> BlockType | None:
    return _types.get(name) if isinstance(name, str) else None


# --- checking ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """A refused block: its index, the field (``""`` for the block itself) and the message
    (already naming the block: "Block 3 (Button): ...")."""

    index: int
    field: str
    message: str

    @property
    def path(self) -> str:
        return f"blocks[{self.index}]" + (f".{self.field}" if self.field else "")


def _pk(raw: object) -> int | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, str) and raw.isdigit() and len(raw) < 12:
        return int(raw)
    return None


def _value(spec: FieldSpec, raw: object) -> Any:
    """The field's value cleaned by its spec, or BlockProblem."""
    if spec.kind in ("form", "asset", "image"):
        if raw in (None, ""):
            if spec.required:
                raise BlockProblem(spec.name, _("Choose %(field)s.") % {"field": spec.label})
            return None
        pk = _pk(raw)
        model, message = {
            "form": (Form, _("The form chosen no longer exists: choose another.")),
            "asset": (Asset, _("The file chosen no longer exists: choose another.")),
            "image": (PageImage, _("The picture chosen no longer exists: choose another.")),
        }[spec.kind]
        if pk is None or not model._default_manager.filter(pk=pk).exists():
            raise BlockProblem(spec.name, message)
        return pk
    if spec.kind == "choice" and isinstance(raw, int) and not isinstance(raw, bool):
        raw = str(raw)  # {"level": 2} from the API means "2"
    if raw is None:
        raw = spec.default
    if not isinstance(raw, str):
        raise BlockProblem(spec.name, _("%(field)s is a text.") % {"field": spec.label})
    text = raw.strip()
    if "\x00" in text:
        raise BlockProblem(
            spec.name,
            _("%(field)s contains a character that cannot be stored.") % {"field": spec.label},
        )
    if not text:
        if spec.required:
            raise BlockProblem(spec.name, _("%(field)s is required.") % {"field": spec.label})
        return ""
    if len(text) > spec.max_length:
        raise BlockProblem(
            spec.name,
            _("%(field)s is at most %(n)s characters.")
            % {"field": spec.label, "n": spec.max_length},
        )
    if spec.kind == "url" and not re.match(r"^https?://[^\s/]+", text):
        raise BlockProblem(
            spec.name,
            _("%(field)s must start with http:// or https://.") % {"field": spec.label},
        )
    if spec.kind == "choice" and text not in {value for value, _label in spec.choices}:
        raise BlockProblem(
            spec.name,
            _("%(field)s is one of %(choices)s.")
            % {"field": spec.label, "choices": ", ".join(v for v, _label in spec.choices)},
        )
    return text


def _block_clean(raw: object) -> dict[str, Any]:
    """One block cleaned, or BlockProblem (field ``type`` for an unknown type)."""
    if not isinstance(raw, dict):
        raise BlockProblem("", _("A block is an object with its type and its fields."))
    kind = block_type_get(raw.get("type"))
    if kind is None:
        raise BlockProblem(
            "type",
            _("'%(type)s' is not a kind of block. Kinds: %(kinds)s.")
            % {"type": str(raw.get("type"))[:40], "kinds": ", ".join(_types)},
        )
    known = {spec.name for spec in kind.fields}
    for name in raw:
        if name != "type" and name not in known:
            raise BlockProblem(
                str(name)[:40], _("This block has no field '%(name)s'.") % {"name": str(name)[:40]}
            )
    data: dict[str, Any] = {spec.name: _value(spec, raw.get(spec.name)) for spec in kind.fields}
    if kind.validate is not None:
        data = kind.validate(data)
    return {"type": kind.name, **data}


def blocks_references(blocks: Iterable[object]) -> tuple[set[int], set[int]]:
    """The ids of the forms and of the files the blocks show, read from every registered
    type's ``form`` and ``asset`` fields (so a type another app adds counts too)."""
    forms: set[int] = set()
    files: set[int] = set()
    for block in blocks:
        if not isinstance(block, dict):
            continue
        kind = block_type_get(block.get("type"))
        for spec in kind.fields if kind else ():
            pk = _pk(block.get(spec.name)) if spec.kind in ("form", "asset") else None
            if pk is not None:
                (forms if spec.kind == "form" else files).add(pk)
    return forms, files


def _label(raw: object) -> str:
    kind = block_type_get(raw.get("type")) if isinstance(raw, dict) else None
    return str(kind.label) if kind else _("Unknown")


def blocks_check(raw: object) -> tuple[list[dict[str, Any]], list[Problem]]:
    """Every block cleaned, and every problem found (the editor shows them all at once)."""
    if not isinstance(raw, list):
        return [], [Problem(-1, "", _("The blocks are a list."))]
    if len(raw) > MAX_BLOCKS:
        return [], [Problem(-1, "", _("A page has at most %(n)s blocks.") % {"n": MAX_BLOCKS})]
    cleaned: list[dict[str, Any]] = []
    problems: list[Problem] = []
    for index, block in enumerate(raw):
        try:
            cleaned.append(_block_clean(block))
        except BlockProblem as problem:
            message = _("Block %(n)s (%(type)s): %(message)s") % {
                "n": index + 1,
                "type": _label(block),
                "message": problem.message,
            }
            problems.append(Problem(index, problem.field, message))
    return cleaned, problems


def blocks_clean(raw: object) -> list[dict[str, Any]]:
    """The blocks cleaned, or InvalidInput for the first problem, at its path
    (``blocks[2].url``)."""
    cleaned, problems = blocks_check(raw)
    if problems:
        first = problems[0]
        raise InvalidInput(first.message, field="blocks" if first.index < 0 else first.path)
    return cleaned


# --- drawing -----------------------------------------------------------------------------------


def blocks_render(blocks: list[dict[str, Any]], context: RenderContext) -> SafeString:
    """The page's blocks as HTML, each in its own section; a block whose type is no longer
    registered (its app removed) is left out."""
    parts = []
    for index, block in enumerate(blocks):
        kind = block_type_get(block.get("type"))
        if kind is None:
            continue
        html = kind.render(block, replace(context, index=index))
        if html:
            parts.append(
                format_html(
                    '<section class="block block-{}" id="block-{}">{}</section>',
                    kind.name,
                    index + 1,
                    mark_safe(html),
                )
            )
    return mark_safe("\n".join(parts))


def _heading(data: dict[str, Any], context: RenderContext) -> str:
    level = data.get("level") if data.get("level") in ("1", "2", "3") else "2"
    return format_html("<h{0}>{1}</h{0}>", level, data.get("text", ""))


def _text(data: dict[str, Any], context: RenderContext) -> str:
    # Paragraphs from blank lines, line breaks kept; every character escaped first.
    return linebreaks(escape(data.get("text", "")))


def _check_image(data: dict[str, Any]) -> dict[str, Any]:
    if data.get("image") is None and not data["url"]:
        raise BlockProblem("image", _("Upload a picture, choose one, or give its address."))
    if data["url"] and not data["url"].startswith("https://"):
        raise BlockProblem("url", _("The image's address must start with https://."))
    return data


def _image_src(data: dict[str, Any]) -> str:
    """An uploaded picture's address on this server, else the https address given."""
    pk = _pk(data.get("image"))
    uploaded = PageImage.objects.filter(pk=pk).first() if pk is not None else None
    return image_path_url(uploaded) if uploaded else str(data.get("url") or "")


def _image(data: dict[str, Any], context: RenderContext) -> str:
    src = _image_src(data)
    if not src:
        return ""
    image = format_html('<img src="{}" alt="{}" loading="lazy">', src, data["alt"])
    caption = data.get("caption") or ""
    if caption:
        return format_html("<figure>{}<figcaption>{}</figcaption></figure>", image, caption)
    return format_html("<figure>{}</figure>", image)


def _button(data: dict[str, Any], context: RenderContext) -> str:
    return format_html('<p><a class="button" href="{}">{}</a></p>', data["url"], data["label"])


def _form_html(form: Form, context: RenderContext) -> str:
    posted = context.posted.get(form.pk)
    values = dict(posted.values) if posted else {}
    if posted is None and context.request is not None:
        # Hidden campaign fields take the page's own utm_* parameters, as on the form's page.
        query = context.request.GET
        values.update({key: query[key][:200] for key in UTM_KEYS if query.get(key)})
    values["_v"] = context.visitor
    values["_page"] = context.url
    template_context = form_context(
        form,
        values=values,
        errors=posted.errors if posted else {},
        done=posted.done if posted else False,
        download=posted.download if posted else "",
        action=reverse("web:form_page", args=[form.key]),
        landing="" if context.preview else context.page.slug,
        prefix=f"b{context.index + 1}-",
        preview=context.preview,
    )
    template_context["form_id"] = f"block-{context.index + 1}-form"
    return render_to_string("web/_form.html", template_context, request=context.request)


def _form(data: dict[str, Any], context: RenderContext) -> str:
    pk = _pk(data.get("form"))
    form = Form.objects.filter(pk=pk).first() if pk is not None else None
    # A form deleted after publishing: its block is left out rather than breaking the page.
    return _form_html(form, context) if form else ""


def giving_form(asset_id: int) -> Form | None:
    """The form that gives the file away (the oldest, when several do)."""
    return Form.objects.filter(asset_id=asset_id).order_by("pk").first()


def _check_asset(data: dict[str, Any]) -> dict[str, Any]:
    if giving_form(data["asset"]) is None:
        raise BlockProblem(
            "asset",
            _(
                "No form gives this file away: choose it as the file of a form first, and "
                "that form will be shown here."
            ),
        )
    return data


def _asset(data: dict[str, Any], context: RenderContext) -> str:
    pk = _pk(data.get("asset"))
    asset = Asset.objects.filter(pk=pk).first() if pk is not None else None
    form = giving_form(asset.pk) if asset else None
    if asset is None or form is None:
        return ""
    title = data.get("title") or _("Download %(name)s") % {"name": asset.name}
    return format_html(
        '<h2 class="asset-title">{}</h2>{}',
        title,
        mark_safe(_form_html(form, context)),
    )


LEVELS = (
    ("1", gettext_lazy("Level 1 (page title)")),
    ("2", gettext_lazy("Level 2")),
    ("3", gettext_lazy("Level 3")),
)

block_type(
    name="heading",
    label=gettext_lazy("Heading"),
    fields=[
        FieldSpec("level", gettext_lazy("Level"), "choice", choices=LEVELS, default="2"),
        FieldSpec("text", gettext_lazy("Text"), "text", required=True, max_length=200),
    ],
    render=_heading,
)
block_type(
    name="text",
    label=gettext_lazy("Text"),
    fields=[
        FieldSpec(
            "text",
            gettext_lazy("Text"),
            "textarea",
            required=True,
            max_length=5000,
            help=gettext_lazy("Plain text: an empty line starts a new paragraph."),
        )
    ],
    render=_text,
)
block_type(
    name="image",
    label=gettext_lazy("Image"),
    fields=[
        FieldSpec(
            "image",
            gettext_lazy("Picture"),
            "image",
            help=gettext_lazy("Upload a PNG, JPEG, WebP or GIF (at most 5 MB), or choose one."),
        ),
        FieldSpec(
            "url",
            gettext_lazy("Image address"),
            "url",
            max_length=2000,
            help=gettext_lazy("Or an https:// address of a picture elsewhere."),
        ),
        FieldSpec(
            "alt",
            gettext_lazy("Description"),
            "text",
            required=True,
            max_length=300,
            help=gettext_lazy("What the picture shows, for people who cannot see it."),
        ),
        FieldSpec("caption", gettext_lazy("Caption"), "text", max_length=300),
    ],
    render=_image,
    validate=_check_image,
)
block_type(
    name="button",
    label=gettext_lazy("Button"),
    fields=[
        FieldSpec("label", gettext_lazy("Label"), "text", required=True, max_length=100),
        FieldSpec("url", gettext_lazy("Link"), "url", required=True, max_length=2000),
    ],
    render=_button,
)
block_type(
    name="form",
    label=gettext_lazy("Form"),
    fields=[FieldSpec("form", gettext_lazy("Form"), "form", required=True)],
    render=_form,
)
block_type(
    name="asset",
    label=gettext_lazy("File download"),
    fields=[
        FieldSpec(
            "asset",
            gettext_lazy("File"),
            "asset",
            required=True,
            help=gettext_lazy("Shown with the form that gives it away."),
        ),
        FieldSpec("title", gettext_lazy("Title"), "text", max_length=200),
    ],
    render=_asset,
    validate=_check_asset,
)


def editor_types(
    forms: Iterable[Form], assets: Iterable[Asset], images: Iterable[PageImage] = ()
) -> list[dict[str, Any]]:
    """The registered types as the editor reads them (JSON in its page): each type's name,
    label and fields; a form, file or picture field lists what to choose from (a picture
    with its address, for the editor's thumbnail)."""
    form_choices = [[str(form.pk), form.name] for form in forms]
    asset_choices = [[str(asset.pk), asset.name] for asset in assets]
    image_choices = [[str(image.pk), image.name, image_path_url(image)] for image in images]
    described = []
    for kind in block_types():
        fields = []
        for spec in kind.fields:
            item = spec.editor()
            if spec.kind == "form":
                item["choices"] = form_choices
            elif spec.kind == "asset":
                item["choices"] = asset_choices
            elif spec.kind == "image":
                item["choices"] = image_choices
            fields.append(item)
        described.append({"name": kind.name, "label": str(kind.label), "fields": fields})
    return described
