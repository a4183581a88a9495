"""search_fold: case and Latin accents go, Thai stays as written."""

from __future__ import annotations

import unicodedata

import pytest

from tendril.core.text import search_fold


@pytest.mark.parametrize(
    ("typed", "folded"),
    [
        ("Nguyễn Thị Hằng", "nguyen thi hang"),
        ("Đức", "duc"),
        ("ĐẶNG VĂN ĐỨC", "dang van duc"),
        ("Phạm Quốc Bích", "pham quoc bich"),
        ("Zoë Müller-Straße", "zoe muller-strasse"),
        ("Ann@Acme.IO", "ann@acme.io"),
    ],
)
def test_latin_letters_lose_case_and_accents(typed: str, folded: str) -> None:
    assert search_fold(typed) == folded


def test_decomposed_vietnamese_folds_like_composed() -> None:
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Hằng")
    assert decomposed != "Nguyễn Thị Hằng"
    assert search_fold(decomposed) == "nguyen thi hang"


@pytest.mark.parametrize("thai", ["สมชาย ใจดี", "น้ำทิพย์", "กำไร", "ศรีสุข"])
def test_thai_vowels_and_tone_marks_are_kept(thai: str) -> None:
    assert search_fold(thai) == thai


def test_thai_next_to_latin_keeps_its_marks_and_the_latin_loses_its_accents() -> None:
    assert search_fold("Café น้ำ") == "cafe น้ำ"


def test_runs_of_white_space_become_one_space() -> None:
    assert search_fold("  Lê \t Thị\n\nHoa  ") == "le thi hoa"
