"""What a template sees: the candidate, the term, the level, the sender and any ``--set`` value.

Only values that are set exist in the context: a missing one is an error in the template
(unless it uses ``default``), never a blank. ``--set`` values and CSV columns become context
keys here: ``--set first_name=Ada`` and a column ``First Name`` are both
``candidate.first_name``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple, TypeAlias

from sourcer.library.schema import Term
from sourcer.templating import Fields

#: --set keys that are not candidate fields
TOP_LEVEL_KEYS = ("role", "company", "level")

#: parsed ``--set`` values: text, or more values under a dotted key (``sender.name=Sam``)
Assignments: TypeAlias = "dict[str, str | Assignments]"


def parse_assignments(assignments: Iterable[str]) -> Assignments:
    """``--set`` values as a nested dict: role/company/level at the top, dotted keys as paths,
    any other bare key under ``candidate``. ValueError says what is wrong with one."""
    result: Assignments = {}
    for assignment in assignments:
        key, sep, value = assignment.partition("=")
        key = key.strip()
        if not sep or not key:
            raise ValueError(f"{assignment!r} is not KEY=VALUE")
        path = key.split(".")
        if any(not part for part in path):
            raise ValueError(f"{key!r} has an empty part")
        if len(path) == 1 and key not in TOP_LEVEL_KEYS:
            path = ["candidate", key]
        if path[0] == "term":
            raise ValueError("term comes from --term, it cannot be set")
        target = result
        for part in path[:-1]:
            existing = target.setdefault(part, {})
            if not isinstance(existing, dict):
                raise ValueError(f"{key!r} conflicts with an earlier --set")
            target = existing
        target[path[-1]] = value
    return result


class Settings(NamedTuple):
    """``--set`` values and the config's defaults, sorted by where a template sees them."""

    #: candidate fields every message starts from (a CSV row's own values win)
    candidate: Assignments
    #: the role's level: --level, else --set level=...
    level: str | Assignments | None
    #: everything else: role, company, sender.*, any other dotted key
    extra: Assignments


def settings_from(
    assignments: Mapping[str, str | Assignments],
    *,
    level: str | None = None,
    role: str | None = None,
    company: str | None = None,
) -> Settings:
    """Sort parsed ``--set`` values; ``level`` wins over ``--set level=``, and ``role`` and
    ``company`` (the config's) apply unless ``--set`` names them."""
    values = dict(assignments)
    set_level = values.pop("level", None)
    for key, default in (("role", role), ("company", company)):
        if default is not None:
            values.setdefault(key, default)
    candidate = values.pop("candidate", {})
    if not isinstance(candidate, dict):
        raise ValueError("candidate must be fields such as candidate.first_name, not text")
    return Settings(candidate, level or set_level, values)


def build_context(
    *,
    candidate: Mapping[str, object],
    term: Term | None = None,
    level: str | Assignments | None = None,
    sender: Mapping[str, str] | None = None,
    extra: Mapping[str, object] | None = None,
    names: Mapping[str, str] | None = None,
    stack: Sequence[str] = (),
) -> dict[str, object]:
    """What a template sees. Only values that are set exist: a missing one is an error in the
    template (unless it uses ``default``), never a blank. ``names`` maps slugs to term names
    for ``term.similar_names`` and ``term.related_names``.

    ``stack`` is the role's skills as the user gave them (``--stack``, ``--term``, a role's
    must-haves): what a message may say the team works with. A term's related terms are not
    the team's stack; a template reads them only by asking for ``term.related_names``.
    ``position`` is the role with its level, as a person writes it ("Senior Backend
    Engineer", not "Backend Engineer (senior level)")."""
    names = names or {}
    extra = extra or {}
    context: dict[str, object] = {}
    for key, value in extra.items():
        if key not in ("candidate", "sender"):
            context[key] = Fields(key, value) if isinstance(value, Mapping) else value
    context["candidate"] = Fields("candidate", candidate)
    merged_sender: dict[str, object] = dict(sender or {})
    extra_sender = extra.get("sender")
    if isinstance(extra_sender, Mapping):
        merged_sender.update(extra_sender)
    context["sender"] = Fields("sender", merged_sender)
    if term is not None:
        data = term.to_dict()
        # Names read better in a message than slugs: "alongside Python", not "python".
        data["similar_names"] = [names.get(slug, slug) for slug in term.similar]
        data["related_names"] = [names.get(slug, slug) for slug in term.related]
        context["term"] = Fields("term", data)
    if level is not None:
        context["level"] = level
    if stack:
        context["stack"] = list(stack)
    role = context.get("role")
    if isinstance(role, str) and role.strip():
        context["position"] = position(role, level if isinstance(level, str) else None)
    return context


#: how a level reads in front of a job title
_LEVEL_WORDS = {"junior": "Junior", "mid": "Mid-level", "senior": "Senior"}


def position(role: str, level: str | None) -> str:
    """The role with its level in front, unless the title already says it: ('Backend
    Engineer', 'senior') -> 'Senior Backend Engineer'; 'Senior Go Engineer' stays."""
    role = role.strip()
    word = _LEVEL_WORDS.get(level or "")
    if word is None:
        return role
    said = {w.casefold().strip("(),-") for w in role.split()}
    if (
        level in said
        or word.split("-")[0].casefold() in said
        or (level == "senior" and said & {"sr", "sr.", "lead", "principal", "staff"})
        or (level == "junior" and said & {"jr", "jr.", "graduate", "entry"})
    ):
        return role
    return f"{word} {role}"


def column_key(header: str) -> str:
    """A CSV column as a candidate field: 'First Name' -> first_name."""
    folded = unicodedata.normalize("NFKC", header).strip().casefold()
    return re.sub(r"\W+", "_", folded).strip("_")


#: Column names people's spreadsheets use, in English, German, French and Spanish, for the
#: fields the shipped templates read. A column is also kept under its own name.
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "first_name": (
        "first",
        "firstname",
        "given_name",
        "forename",
        "vorname",
        "prénom",
        "prenom",
        "nombre",
    ),
    "last_name": (
        "last",
        "lastname",
        "surname",
        "family_name",
        "nachname",
        "familienname",
        "nom",
        "nom_de_famille",
        "apellido",
        "apellidos",
    ),
    "email": (
        "e_mail",
        "email_address",
        "e_mail_address",
        "mail",
        "e_mail_adresse",
        "emailadresse",
        "courriel",
        "adresse_e_mail",
        "correo",
        "correo_electrónico",
        "correo_electronico",
    ),
    "current_company": (
        "company",
        "current_employer",
        "employer",
        "organization",
        "organisation",
        "firma",
        "unternehmen",
        "arbeitgeber",
        "entreprise",
        "société",
        "societe",
        "empresa",
    ),
    "current_title": (
        "title",
        "job_title",
        "position",
        "headline",
        "titel",
        "berufsbezeichnung",
        "poste",
        "intitulé_du_poste",
        "cargo",
        "puesto",
    ),
}
#: Columns that hold a whole name, split into first_name and last_name when those are absent.
FULL_NAME_COLUMNS = (
    "name",
    "full_name",
    "fullname",
    "vollständiger_name",
    "nom_complet",
    "nombre_completo",
)


def split_name(full: str) -> tuple[str, str]:
    """'Ada Lovelace' -> ('Ada', 'Lovelace'); 'Lovelace, Ada' -> ('Ada', 'Lovelace');
    a single word is a first name."""
    if "," in full:
        last, _, first = full.partition(",")
        return first.strip(), last.strip()
    first, _, last = full.strip().partition(" ")
    return first, last.strip()
