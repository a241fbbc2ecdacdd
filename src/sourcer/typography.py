"""Characters that break search strings: curly quotes, dashes, odd spaces, invisibles.

Every search target treats these as characters of their own (SocialTalent; SourceCon,
"questionable quotation marks"), so term files may not contain them and pasted search
strings are normalised. Invisible characters (zero-width spaces, byte-order marks, soft
hyphens, bidirectional controls, control codes) are worse: a zero-width space inside AND
makes it a word, and a right-to-left override makes a string read differently from what it
searches. They are removed; what to call each is for the report.
"""

import re
from typing import NamedTuple

#: Bidirectional controls: they reorder what is shown without being seen.
BIDI_CONTROLS = (0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A))
#: Control codes (C0, DEL, C1) other than tab, newline and carriage return.
CONTROL_CODES = (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0))

# Control codes (all but tab and newline) and bidirectional controls, shown as escapes so
# that text from a file can neither drive the terminal nor reorder what is shown.
# A carriage return is escaped too: on a terminal it writes over the start of the line.
_UNSAFE = {
    code: f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
    for code in (*CONTROL_CODES, 0x0D, *BIDI_CONTROLS)
}


def terminal_safe(text: str) -> str:
    """``text`` with every control or bidirectional character escaped (``\\x1b``)."""
    if text.isascii() and text.isprintable():
        return text
    return text.translate(_UNSAFE)


# character -> (kind, straight replacement)
_TYPOGRAPHY: dict[str, tuple[str, str]] = {
    "\u201c": ("curly quote", '"'),
    "\u201d": ("curly quote", '"'),
    "\u201e": ("curly quote", '"'),
    "\u201f": ("curly quote", '"'),
    "\u2033": ("curly quote", '"'),
    "\u2018": ("curly quote", "'"),
    "\u2019": ("curly quote", "'"),
    "\u201a": ("curly quote", "'"),
    "\u201b": ("curly quote", "'"),
    "\u2032": ("curly quote", "'"),
    "\u2010": ("dash", "-"),
    "\u2011": ("dash", "-"),
    "\u2012": ("dash", "-"),
    "\u2013": ("dash", "-"),
    "\u2014": ("dash", "-"),
    "\u2015": ("dash", "-"),
    "\u2212": ("dash", "-"),
    "\uff02": ("look-alike quote", '"'),
    "\uff07": ("look-alike quote", "'"),
    "\u00ab": ("curly quote", '"'),
    "\u00bb": ("curly quote", '"'),
    "\u00a0": ("non-breaking space", " "),
    "\u202f": ("non-breaking space", " "),
    "\u1680": ("odd space", " "),
    "\u205f": ("odd space", " "),
    "\u3000": ("odd space", " "),
    **{chr(code): ("odd space", " ") for code in range(0x2000, 0x200B)},
    "\u200b": ("zero-width space", ""),
    "\u200c": ("zero-width character", ""),
    "\u200d": ("zero-width character", ""),
    "\u2060": ("zero-width character", ""),
    "\ufeff": ("byte-order mark", ""),
    "\u00ad": ("soft hyphen", ""),
    **{chr(code): ("bidirectional control", "") for code in BIDI_CONTROLS},
    **{chr(code): ("control character", "") for code in CONTROL_CODES},
}
# ASCII text needs a look only for control codes (tab, newline and return are fine).
_ASCII_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_TRANSLATION = str.maketrans({char: repl for char, (_, repl) in _TYPOGRAPHY.items()})


class Typo(NamedTuple):
    """One typographic character found in a text."""

    position: int
    char: str
    kind: str
    replacement: str

    @property
    def fix(self) -> str:
        if not self.replacement:
            return "remove it"
        if self.replacement == " ":
            return "use a plain space"
        return f"use a straight {self.replacement!r}"

    def describe(self) -> str:
        return f"{self.kind} {self.char!r} (U+{ord(self.char):04X}); {self.fix}"


def find_typography(text: str) -> list[Typo]:
    """Every curly quote, dash, odd space or invisible character in ``text``, in order."""
    if text.isascii() and not _ASCII_CONTROL.search(text):  # the usual case, and fast
        return []
    return [
        Typo(position, char, *_TYPOGRAPHY[char])
        for position, char in enumerate(text)
        if char in _TYPOGRAPHY
    ]


def straighten(text: str) -> str:
    """Curly quotes, dashes and odd spaces in their ASCII forms; invisible characters gone."""
    return text.translate(_TRANSLATION)
