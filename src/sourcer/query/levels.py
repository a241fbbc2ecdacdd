"""Seniority words added to job titles, per level: one editable table shared by every term.

Mid-level titles rarely carry a marker, so its words are few; strict mode adds each term's own
level keywords on top (``levels.<level>.keywords`` in the term file).
"""

from __future__ import annotations

LEVEL_MODIFIERS: dict[str, tuple[str, ...]] = {
    "junior": ("Junior", "Jr", "Graduate", "Entry level", "Associate", "Trainee"),
    "mid": ("Mid-level", "Intermediate"),
    "senior": ("Senior", "Sr", "Lead", "Principal", "Staff"),
}

SOURCE = "level modifiers table (sourcer/query/levels.py)"
