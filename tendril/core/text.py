"""The one text folding search uses: what a stored search text and a typed query are both turned
into, so that "nguyen" finds "Nguyễn" and "đức" finds "Duc" on SQLite and PostgreSQL alike
(neither database folds Vietnamese accents by itself)."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

# Latin letters Unicode does not decompose into a base letter and a mark, folded by hand.
_LATIN_BASE = {"đ": "d", "ø": "o", "ł": "l", "ħ": "h", "ŧ": "t", "\u0131": "i"}


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> tuple[str, bool]:
    """One casefolded, non-combining character as search stores it, and whether it is Latin
    (so that the combining marks after it are dropped too)."""
    if ch in _LATIN_BASE:
        return _LATIN_BASE[ch], True
    decomposed = unicodedata.normalize("NFKD", ch)
    base = decomposed[0]
    if base.isascii() or "LATIN" in unicodedata.name(base, ""):
        # "ễ" → "e", "ﬁ" → "fi", "①" → "1": the base letters, without their accents.
        return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold(), True
    # Thai, and every other script, stays as written: Thai vowels and tone marks are combining
    # characters that change the word, and NFKD would rewrite some Thai vowels.
    return ch, False


def search_fold(text: str) -> str:
    """``text`` without case, without the accents of Latin letters (Vietnamese "đ" is "d"),
    every other script intact, runs of white space made one space.

    "Nguyễn Thị Hằng" → "nguyen thi hang"; "Đức" → "duc"; "สมชาย" → "สมชาย".
    """
    if text.isascii():  # most emails, phones and English names: the fast path
        return " ".join(text.lower().split())
    out: list[str] = []
    after_latin = False
    for ch in unicodedata.normalize("NFC", text).casefold():
        if unicodedata.combining(ch):
            # A mark NFC could not compose onto its letter: dropped after a Latin letter only.
            if not after_latin:
                out.append(ch)
            continue
        folded, after_latin = _fold_char(ch)
        out.append(folded)
    return " ".join("".join(out).split())
