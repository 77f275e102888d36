"""Characters published files carry that are not the text they show: private-use glyphs and NUL.

* **Hancom private-use characters.** Hangul writes its own symbols into the Supplementary Private Use Area:
  squared numbers 1–20 at U+F02B1–U+F02C4, inverse squared numbers 1–20 at U+F02CE–U+F02E1, bullets such
  as U+F02EF (·) and U+F02FB (▸); a two-digit number may be an overlap (글자 겹치기) of a tens and a units
  glyph (U+F02BA + U+F02C3 is 10, see :func:`compose_text`). Symbol fonts (Wingdings, Symbol) put their
  glyphs at U+F020–U+F0FF. :data:`PRIVATE_USE` maps the ones published files use to standard characters
  (① ❶ ▪ ➔ ☑ …); characters whose meaning is not known are kept.
* **NUL.** Hancom's PDF export writes the space glyph of some fonts as U+0000: between two words it is a
  space, anywhere else it is dropped (:func:`clean_text`).
* **Hancom's equation fonts** (``HyhwpEQ``, ``HancomEQN``) draw the letters and digits of formulas from
  U+E000–U+E0FF: A–Z at U+E000, a–z at U+E0E5, 1–9 at U+E034 and 0 at U+E03D (:func:`equation_char`, used
  by the PDF reader for characters drawn in those fonts only).

Every reader's text passes through :func:`clean_text` (in :func:`qa.ingest.normalize_text`).
"""

from __future__ import annotations

import re

# squared numbers 1–20 (Hangul's "사각 안 숫자", U+F02B1–U+F02C4) and inverse ones ("반전 사각형 안 숫자",
# U+F02CE–U+F02E1): standard circled and negative circled numbers are the nearest plain characters
_SQUARED = {0xF02B1 + i: chr(0x2460 + i) for i in range(20)}
_INVERSE = {0xF02CE + i: chr(0x2776 + i) if i < 10 else chr(0x24EB + i - 10) for i in range(20)}
# overlapped digits (글자 겹치기): a tens glyph and a units glyph in one box
_TENS_GLYPHS = {0xF02BA + i: i + 1 for i in range(9)} | {0xF0289 + i: i + 1 for i in range(9)}
_UNIT_GLYPHS = {0xF02C3 + i: i for i in range(10)} | {0xF0292 + i: i for i in range(10)}
# bullets and marks of Hangul's own symbol set and of the symbol fonts (Wingdings at U+F020–U+F0FF)
PRIVATE_USE: dict[int, str] = {
    **_SQUARED, **_INVERSE,
    0xF02EF: "·", 0xF02FB: "▸",
    0xF06C: "●", 0xF06D: "❍", 0xF06E: "■", 0xF06F: "□", 0xF070: "◻", 0xF071: "❑", 0xF072: "❒",
    0xF075: "◆", 0xF076: "❖", 0xF077: "◆", 0xF09F: "•", 0xF0A0: "▪", 0xF0A1: "○", 0xF0A7: "▪", 0xF0A8: "◻",
    0xF0B7: "•", 0xF0D8: "➢", 0xF0E0: "→", 0xF0E8: "➔", 0xF0F0: "⇨", 0xF0FC: "✓", 0xF0FD: "☒", 0xF0FE: "☑",
    0xF000: "",
}
_PUA = re.compile("[\ue000-\uf8ff\U000f0000-\U000ffffd]")
_NUL_BETWEEN = re.compile(r"(?<=[^\s\x00])\x00+(?=[^\s\x00])")


def circled(n: int) -> str:
    """The circled number ``n`` (① … ⑳), or ``(n)`` past twenty."""
    return chr(0x2460 + n - 1) if 1 <= n <= 20 else f"({n})"


def compose_text(glyphs: str) -> str:
    """The text of an overlapped character (Hangul's 글자 겹치기): a tens and a units glyph make a two-digit
    squared number (U+F02BA + U+F02C3 → ⑩); other overlaps are their mapped characters."""
    codes = [ord(c) for c in glyphs]
    if len(codes) == 2 and codes[0] in _TENS_GLYPHS and codes[1] in _UNIT_GLYPHS:
        return circled(10 * _TENS_GLYPHS[codes[0]] + _UNIT_GLYPHS[codes[1]])
    return map_private_use(glyphs)


def map_private_use(text: str) -> str:
    """Private-use characters with a known meaning replaced by standard ones (unknown ones kept)."""
    if not _PUA.search(text):
        return text
    return _PUA.sub(lambda m: PRIVATE_USE.get(ord(m.group()), m.group()), text)


def clean_nul(text: str) -> str:
    """NUL between two words is the space it was drawn as; any other NUL is dropped."""
    if "\x00" not in text:
        return text
    return _NUL_BETWEEN.sub(" ", text).replace("\x00", "")


def clean_text(text: str) -> str:
    """:func:`clean_nul` then :func:`map_private_use`: what every reader's text goes through."""
    return map_private_use(clean_nul(text))


# ------------------------------------------------------------------------------------------------ equation font
EQUATION_FONTS = ("HyhwpEQ", "HancomEQN")  # Hancom's formula fonts (a subset prefix "ABCDEF+" comes first in a PDF)
_EQUATION: dict[int, str] = {
    **{0xE000 + i: chr(ord("A") + i) for i in range(26)},
    **{0xE0E5 + i: chr(ord("a") + i) for i in range(26)},
    **{0xE034 + i: str(i + 1) for i in range(9)},
    0xE03D: "0",
    0xE044: "(", 0xE045: ")", 0xE046: "-", 0xE047: "=", 0xE048: "+", 0xE049: "[", 0xE04A: "]", 0xE04B: "{",
    0xE04C: "}", 0xE04D: "|", 0xE052: ",", 0xE053: ".", 0xE054: "/", 0xE055: "<",
}


def is_equation_font(fontname: str) -> bool:
    """True for a font name of Hancom's equation font, with or without a subset prefix."""
    return any(fontname.split("+")[-1].startswith(f) for f in EQUATION_FONTS)


def equation_char(text: str) -> str:
    """A character drawn in the equation font as the letter, digit or sign it shows (other glyphs dropped)."""
    return "".join(_EQUATION.get(ord(c), "" if _PUA.match(c) else c) for c in text)
