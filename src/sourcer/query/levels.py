"""Seniority, role words and people-search noise: the editable tables every term shares.

Each table is data; the recipe reads it and the board decides where it goes (a title field,
``intitle:`` on X-ray, or keywords). Measured on the labelled corpus
(``benchmarks/quality.py``, BENCHMARKS.md): words anywhere in a profile also match "led the
migration" and "worked with senior engineers", so seniority goes into title fields where a
board has them; mid-level people rarely write a marker, so ``mid`` requires no word and only
keeps out the levels around it (a ladder, in the style of ``engineer NOT manager``).
"""

from __future__ import annotations

from typing import NamedTuple


class LevelWords(NamedTuple):
    """Words that mark a level in a title (any one of them), and words that mark the levels
    around it (none of them)."""

    words: tuple[str, ...] = ()
    ladder: tuple[str, ...] = ()


LEVELS: dict[str, LevelWords] = {
    # English first, then the forms of the languages sourcer's role words cover.
    "junior": LevelWords(
        words=(
            "Junior",
            "Jr",
            "Graduate",
            "Intern",
            "Trainee",
            "Apprentice",
            "Entry level",
            "Associate",
            "Júnior",
            "Młodszy",
            "Młodsza",
            "Praktikant",
            "Werkstudent",
            "Werkstudentin",
            "Stagiaire",
            "Alternance",
            "Becario",
            "Estagiário",
        ),
    ),
    "mid": LevelWords(
        ladder=("Senior", "Sr", "Lead", "Principal", "Staff", "Junior", "Jr", "Intern"),
    ),
    "senior": LevelWords(
        words=("Senior", "Sr", "Lead", "Principal", "Staff", "Starszy", "Starsza"),
    ),
}

#: Words for the people who do the work, whatever their specialty: English first, then
#: German, French, Spanish, Polish and Portuguese (masculine and feminine forms are
#: different words to a search engine), then titles that name none of them.
ROLE_WORDS: tuple[str, ...] = (
    "engineer",
    "developer",
    "programmer",
    "Entwickler",
    "Softwareentwickler",
    "Entwicklerin",
    "Softwareentwicklerin",
    "développeur",
    "développeuse",
    "ingénieur",
    "ingénieure",
    "desarrollador",
    "desarrolladora",
    "ingeniero",
    "ingeniera",
    "programador",
    "programadora",
    "programista",
    "programistka",
    "inżynier",
    "desenvolvedor",
    "desenvolvedora",
    "engenheiro",
    "engenheira",
    "Member of Technical Staff",
    "SDE",
    "SWE",
)

#: People whose profiles list a stack without doing the work, kept out of people searches
#: by default; most useful first (when a board is short of room, the last go first).
#: Each word is in no hands-on engineer's profile of the corpus and in many of the others'.
RECRUITERS: tuple[str, ...] = ("recruiter", "recruiting", "talent acquisition", "sourcer")
#: The ladder above individual contributors, and the people who sell what engineers build.
MANAGERS: tuple[str, ...] = ("manager", "sales", "director")

SOURCE = "shared tables (sourcer/query/levels.py)"
