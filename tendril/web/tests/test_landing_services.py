"""Landing pages' rules: the address (made from a name, Vietnamese accents folded, Thai needs
one typed; lower case, URL-safe, unique), each block type's checks with messages naming the
block and the field, publishing a copy of the draft, unpublishing, and a type registered by
another app."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils.html import format_html

from tendril.core.errors import Conflict, InvalidInput
from tendril.web import blocks
from tendril.web.blocks import BlockProblem, FieldSpec, block_type, blocks_check
from tendril.web.landing import page_create, page_publish, page_unpublish, page_update, slug_from
from tendril.web.models import Asset, LandingPage
from tendril.web.services import form_create
from tendril.web.tests.landing_helpers import FORM_FIELDS, make_asset

pytestmark = pytest.mark.django_db

HEADING = {"type": "heading", "level": "1", "text": "Marketing automation for small teams"}


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Ebook 2026: Marketing Automation!", "ebook-2026-marketing-automation"),
        ("Sách điện tử: Tự động hoá tiếp thị", "sach-dien-tu-tu-dong-hoa-tiep-thi"),
        ("  Đăng ký   hội thảo ", "dang-ky-hoi-thao"),
        ("Café --- Crème", "cafe-creme"),
    ],
)
def test_an_address_is_made_from_the_name_without_accents(name: str, slug: str) -> None:
    assert slug_from(name) == slug
    assert page_create(data={"name": name}, by=None).slug == slug


def test_a_thai_name_needs_an_address_typed() -> None:
    with pytest.raises(InvalidInput) as refused:
        page_create(data={"name": "ดาวน์โหลดอีบุ๊ก"}, by=None)

    assert refused.value.field == "slug"
    page = page_create(data={"name": "ดาวน์โหลดอีบุ๊ก", "slug": "ebook-th"}, by=None)
    assert page.slug == "ebook-th"


@pytest.mark.parametrize("slug", ["with space", "a--b", "-start", "end-", "ünï", "a/b", "x" * 101])
def test_an_address_that_is_not_url_safe_is_refused(slug: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        page_create(data={"name": "Page", "slug": slug}, by=None)

    assert refused.value.field == "slug"
    assert not LandingPage.objects.exists()


def test_a_typed_address_is_stored_in_lower_case_and_once() -> None:
    assert page_create(data={"name": "A", "slug": "Ebook-2026"}, by=None).slug == "ebook-2026"

    with pytest.raises(Conflict) as taken:
        page_create(data={"name": "B", "slug": "ebook-2026"}, by=None)

    assert taken.value.field == "slug"
    assert "/p/ebook-2026" in taken.value.message


def _problems(*raw: dict[str, Any]) -> list[tuple[str, str]]:
    # The list of kinds ends the unknown type's message; other apps may have added to it.
    return [(p.path, p.message.split(" Kinds: ")[0]) for p in blocks_check(list(raw))[1]]


def test_each_problem_names_its_block_and_field() -> None:
    problems = _problems(
        HEADING,
        {"type": "text", "text": "Hello"},
        {"type": "button", "label": "Get it", "url": "javascript:alert(1)"},
        {"type": "image", "url": "http://example.com/a.png", "alt": "A cover"},
        {"type": "image", "url": "https://example.com/a.png", "alt": ""},
        {"type": "heading", "level": "7", "text": "x"},
        {"type": "video"},
        {"type": "text", "text": "x", "colour": "red"},
        {"type": "form", "form": 999999},
        "not a block",  # type: ignore[arg-type]
    )

    assert problems == [
        ("blocks[2].url", "Block 3 (Button): Link must start with http:// or https://."),
        ("blocks[3].url", "Block 4 (Image): The image's address must start with https://."),
        ("blocks[4].alt", "Block 5 (Image): Description is required."),
        ("blocks[5].level", "Block 6 (Heading): Level is one of 1, 2, 3."),
        ("blocks[6].type", "Block 7 (Unknown): 'video' is not a kind of block."),
        ("blocks[7].colour", "Block 8 (Text): This block has no field 'colour'."),
        ("blocks[8].form", "Block 9 (Form): The form chosen no longer exists: choose another."),
        ("blocks[9]", "Block 10 (Unknown): A block is an object with its type and its fields."),
    ]


def test_the_service_refuses_the_first_bad_block_at_its_path() -> None:
    page = page_create(data={"name": "Ebook"}, by=None)

    with pytest.raises(InvalidInput) as refused:
        page_update(
            page=page,
            data={"blocks": [HEADING, {"type": "button", "label": "Go", "url": "ftp://x"}]},
            by=None,
        )

    assert refused.value.field == "blocks[1].url"
    assert refused.value.message.startswith("Block 2 (Button): ")
    page.refresh_from_db()
    assert page.blocks == []


def test_a_file_download_needs_a_form_that_gives_the_file(settings: Any, tmp_path: Any) -> None:
    settings.VAR_DIR = tmp_path
    asset = make_asset()

    assert _problems({"type": "asset", "asset": asset.pk}) == [
        (
            "blocks[0].asset",
            "Block 1 (File download): No form gives this file away: choose it as the file of a "
            "form first, and that form will be shown here.",
        )
    ]
    form_create(data={"name": "Ebook", "fields": FORM_FIELDS, "asset": asset.pk}, by=None)
    assert _problems({"type": "asset", "asset": asset.pk}) == []
    assert Asset.objects.count() == 1


def test_values_are_cleaned_as_their_fields_say() -> None:
    cleaned, problems = blocks_check(
        [{"type": "heading", "level": 3, "text": "  Spaced  "}, {"type": "heading", "text": "D"}]
    )

    assert problems == []
    assert cleaned == [
        {"type": "heading", "level": "3", "text": "Spaced"},
        {"type": "heading", "level": "2", "text": "D"},
    ]


def test_publishing_copies_the_draft_and_later_edits_wait_for_the_next_publish() -> None:
    page = page_create(data={"name": "Ebook", "blocks": [HEADING]}, by=None)
    assert not page.is_published

    page = page_publish(page=page, by=None)
    assert page.is_published and page.published_blocks == [HEADING]

    new = {"type": "text", "text": "Now with a new chapter."}
    page = page_update(page=page, data={"blocks": [HEADING, new]}, by=None)
    assert page.published_blocks == [HEADING]
    assert page.has_changes

    page = page_publish(page=page, by=None)
    assert page.published_blocks == [HEADING, new] and not page.has_changes

    page = page_unpublish(page=page, by=None)
    assert not page.is_published and page.blocks == [HEADING, new]


def test_an_empty_page_cannot_be_published() -> None:
    page = page_create(data={"name": "Empty"}, by=None)

    with pytest.raises(InvalidInput) as refused:
        page_publish(page=page, by=None)

    assert refused.value.field == "blocks"


def test_another_app_registers_a_block_type_the_pages_use(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(blocks, "_types", dict(blocks._types))

    def check(data: dict[str, Any]) -> dict[str, Any]:
        if data["key"] == "secret":
            raise BlockProblem("key", "This slot is reserved.")
        return data

    block_type(
        name="slot",
        label="Personalised slot",
        fields=[FieldSpec("key", "Slot", "text", required=True)],
        render=lambda data, context: format_html("<div class='slot'>{}</div>", data["key"]),
        validate=check,
    )

    assert "slot" in [t["name"] for t in blocks.editor_types([], [])]
    assert _problems({"type": "slot", "key": "secret"}) == [
        ("blocks[0].key", "Block 1 (Personalised slot): This slot is reserved.")
    ]
    page = page_create(data={"name": "Slot", "blocks": [{"type": "slot", "key": "<b>"}]}, by=None)
    html = blocks.blocks_render(page.blocks, blocks.RenderContext(page=page))
    assert "<div class='slot'>&lt;b&gt;</div>" in html
