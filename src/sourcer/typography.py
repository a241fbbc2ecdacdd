"""Word-processor typography that breaks search strings: curly quotes, dashes, odd spaces.

Every search target treats these as characters of their own (SocialTalent; SourceCon,
"questionable quotation marks"), so term files may not contain them and pasted search
strings are normalised.
"""

from typing import NamedTuple

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
    "\u00a0": ("non-breaking space", " "),
    "\u202f": ("non-breaking space", " "),
}
_TRANSLATION = str.maketrans({char: repl for char, (_, repl) in _TYPOGRAPHY.items()})


class Typo(NamedTuple):
    """One typographic character found in a text."""

    position: int
    char: str
    kind: str
    replacement: str

    def describe(self) -> str:
        return (
            f"{self.kind} {self.char!r} (U+{ord(self.char):04X}); "
            f"use a straight {self.replacement!r}"
        )


def find_typography(text: str) -> list[Typo]:
    """Return every curly quote, dash or non-breaking space in ``text``, in order."""
    if text.isascii():  # the usual case, and much faster than looking at every character
        return []
    return [
        Typo(position, char, *_TYPOGRAPHY[char])
        for position, char in enumerate(text)
        if char in _TYPOGRAPHY
    ]


def straighten(text: str) -> str:
    """Replace curly quotes, dashes and non-breaking spaces with their ASCII forms."""
    return text.translate(_TRANSLATION)
