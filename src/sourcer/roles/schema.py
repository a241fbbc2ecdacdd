"""Role files: one search kept, shared and reused (schema version 1).

A role is what a recruiter is hiring for, written once and used by every command
(``query``, ``brief``, ``outreach render`` take ``--role FILE|NAME``)::

    version: 1
    title: Senior Backend Engineer (Go)
    level: senior                 # junior | mid | senior
    locations: [Berlin]
    remote: hybrid                # remote | hybrid | onsite
    must: [go, kubernetes]        # term slugs, all required
    any: [[aws, gcp]]             # groups of slugs: one of each group is needed
    nice: [kafka]                 # nice to have: not required
    keywords: [gRPC]              # skills the library does not know, searched as written
    titles: [Platform Engineer]   # job titles to require
    exclude: [intern]             # words to keep out
    boards: [linkedin, google]
    site: linkedin                # what the search engines X-ray
    mode: balanced                # broad | balanced | strict
    outreach:
      template: inmail
      sender: {name: Sam Lee, title: Technical Recruiter}

Every key but ``version`` is optional. :func:`check_role_text` reports every problem of a
file as ``path:line: message``, as ``sourcer terms lint`` does for term files.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import NamedTuple

from sourcer.errors import Problem, SourcerError
from sourcer.library.check import Checker, _did_you_mean
from sourcer.textfile import ReadError, read_text
from sourcer.yamlload import LineDict, LineList, YAMLSyntaxError, load

VERSION = 1
ROLE_KEYS: tuple[str, ...] = (
    "version",
    "title",
    "level",
    "locations",
    "remote",
    "must",
    "any",
    "nice",
    "keywords",
    "titles",
    "exclude",
    "boards",
    "site",
    "mode",
    "outreach",
)
OUTREACH_KEYS: tuple[str, ...] = ("template", "sender")
SENDER_KEYS: tuple[str, ...] = ("name", "title", "company", "email", "signature")
LEVELS: tuple[str, ...] = ("junior", "mid", "senior")
REMOTE: tuple[str, ...] = ("remote", "hybrid", "onsite")
MODES: tuple[str, ...] = ("broad", "balanced", "strict")


class Role(NamedTuple):
    """A role file, checked."""

    path: str = ""
    title: str = ""
    level: str | None = None
    locations: tuple[str, ...] = ()
    remote: str | None = None
    must: tuple[str, ...] = ()
    any: tuple[tuple[str, ...], ...] = ()
    nice: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    titles: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    boards: tuple[str, ...] = ()
    site: str | None = None
    mode: str | None = None
    template: str | None = None
    sender: Mapping[str, str] = {}

    def to_dict(self) -> dict[str, object]:
        """The role as a role file holds it (keys with a value only, in schema order)."""
        data: dict[str, object] = {"version": VERSION}
        for key, value in (
            ("title", self.title),
            ("level", self.level),
            ("locations", list(self.locations)),
            ("remote", self.remote),
            ("must", list(self.must)),
            ("any", [list(group) for group in self.any]),
            ("nice", list(self.nice)),
            ("keywords", list(self.keywords)),
            ("titles", list(self.titles)),
            ("exclude", list(self.exclude)),
            ("boards", list(self.boards)),
            ("site", self.site),
            ("mode", self.mode),
        ):
            if value:
                data[key] = value
        outreach: dict[str, object] = {}
        if self.template:
            outreach["template"] = self.template
        if self.sender:
            outreach["sender"] = dict(self.sender)
        if outreach:
            data["outreach"] = outreach
        return data


class RoleFileError(SourcerError):
    """Raised when a role file cannot be used because it is invalid (every problem listed)."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        first = problems[0]
        more = len(problems) - 1
        tail = f" (and {more} more; run 'sourcer role lint {first.path}')" if more else ""
        super().__init__(f"{first}{tail}")


#: what a role's other fields are checked against (given by the caller: the library, boards)
class Known(NamedTuple):
    terms: Callable[[str], bool]
    suggest: Callable[[str], list[str]]
    boards: tuple[str, ...]
    site_ok: Callable[[str], str | None]
    templates: Callable[[str], bool] = lambda name: True


def check_role_text(text: str, path: str, known: Known) -> tuple[Role | None, list[Problem]]:
    """Check a role file's text: the role (None if it has errors) and every problem."""
    checker = Checker(path)
    try:
        data = load(text, path)
    except YAMLSyntaxError as err:
        return None, [err.problem]
    if not isinstance(data, LineDict):
        checker.error(
            getattr(data, "line", 1),
            "a role file must be a mapping of keys (version, title, must, ...)",
        )
        return None, checker.problems
    checker.mapping(data, "", data.line, ROLE_KEYS)
    lines = data.key_lines

    def line(key: str) -> int:
        return int(lines.get(key, data.line))

    if "version" not in data:
        checker.error(data.line, f"missing 'version: {VERSION}' (the role file schema)")
    elif data["version"] != VERSION:
        checker.error(
            line("version"),
            f"version {data['version']!r} is not known; this sourcer reads version {VERSION}",
        )

    def one_of(key: str, choices: tuple[str, ...]) -> str | None:
        if key not in data:
            return None
        value = data[key]
        if value not in choices:
            checker.error(line(key), f"{key}: {value!r} is not one of {', '.join(choices)}")
            return None
        return str(value)

    def texts(key: str) -> tuple[str, ...]:
        return checker.texts(data[key], key, line(key)) if key in data else ()

    def slugs(key: str, value: object, at: int) -> tuple[str, ...]:
        found: list[str] = []
        for index, item in enumerate(checker.texts(value, key, at)):
            item_line = value.item_lines[index] if isinstance(value, LineList) else at
            if known.terms(item):
                found.append(item)
                continue
            close = known.suggest(item)
            hint = f"did you mean {' or '.join(close)}?" if close else "not in the library;"
            checker.error(
                item_line,
                f"{key}[{index}]: unknown term {item!r} ({hint} put skills the library does "
                "not know under keywords:)",
            )
        return tuple(found)

    title = checker.text(data["title"], "title", line("title")) if "title" in data else ""
    must = slugs("must", data["must"], line("must")) if "must" in data else ()
    nice = slugs("nice", data["nice"], line("nice")) if "nice" in data else ()
    groups: list[tuple[str, ...]] = []
    if "any" in data:
        value = data["any"]
        if not isinstance(value, LineList):
            checker.error(line("any"), "any: expected a list of groups, e.g. [[aws, gcp]]")
        else:
            for index, (group, at) in enumerate(zip(value, value.item_lines, strict=True)):
                if not isinstance(group, LineList) or len(group) < 2:
                    checker.error(
                        at, f"any[{index}]: a group is a list of two or more terms, e.g. [aws, gcp]"
                    )
                    continue
                groups.append(slugs(f"any[{index}]", group, at))
    seen: dict[str, str] = {}
    for bucket, items in (("must", must), ("nice", nice), *(("any", g) for g in groups)):
        for slug in items:
            if slug in seen:
                checker.error(
                    line(bucket),
                    f"{bucket}: {slug!r} is also under {seen[slug]}; keep it in one place",
                )
            seen.setdefault(slug, bucket)
    boards = texts("boards")
    for board in boards:
        if board not in known.boards:
            checker.error(
                line("boards"),
                f"boards: unknown board {board!r}{_did_you_mean(board, known.boards)}",
            )
    site = None
    if "site" in data:
        site = checker.text(data["site"], "site", line("site"))
        problem = known.site_ok(site) if site else None
        if problem:
            checker.error(line("site"), f"site: {problem}")
    template: str | None = None
    sender: dict[str, str] = {}
    if "outreach" in data:
        outreach = checker.mapping(data["outreach"], "outreach.", line("outreach"), OUTREACH_KEYS)
        if outreach is not None:
            if "template" in outreach:
                template = checker.text(
                    outreach["template"], "outreach.template", outreach.key_lines["template"]
                )
                if template and not known.templates(template):
                    checker.error(
                        outreach.key_lines["template"],
                        f"outreach.template: no template {template!r}; see 'sourcer outreach list'",
                    )
            if "sender" in outreach:
                given = checker.mapping(
                    outreach["sender"],
                    "outreach.sender.",
                    outreach.key_lines["sender"],
                    SENDER_KEYS,
                )
                if given is not None:
                    for key in given:
                        if key in SENDER_KEYS:
                            value = checker.text(
                                given[key], f"outreach.sender.{key}", given.key_lines[key]
                            )
                            if value:
                                sender[str(key)] = value
    keywords = texts("keywords")
    if not must and not groups and not keywords:
        checker.error(data.line, "nothing to search for: give must:, any: or keywords:")
    role = Role(
        path=path,
        title=title or "",
        level=one_of("level", LEVELS),
        locations=texts("locations"),
        remote=one_of("remote", REMOTE),
        must=must,
        any=tuple(groups),
        nice=nice,
        keywords=keywords,
        titles=texts("titles"),
        exclude=texts("exclude"),
        boards=boards,
        site=site,
        mode=one_of("mode", MODES),
        template=template,
        sender=sender,
    )
    has_errors = any(p.severity == "error" for p in checker.problems)
    return (None if has_errors else role), checker.problems


def read_role(path: str, known: Known) -> Role:
    """Load and check a role file; RoleFileError lists every problem."""
    try:
        text = read_text(path)
    except ReadError as err:
        raise RoleFileError([Problem(path, err.line, err.reason)]) from err
    role, problems = check_role_text(text, path, known)
    errors = [p for p in problems if p.severity == "error"]
    if role is None or errors:
        raise RoleFileError(errors or problems)
    return role


def find_role(name: str, roles_dir: str) -> str:
    """The path of a role given as a path, or as NAME in ``roles_dir`` (NAME.yaml)."""
    if os.path.exists(name):
        return name
    candidate = os.path.join(roles_dir, name if name.endswith(".yaml") else f"{name}.yaml")
    if os.path.exists(candidate):
        return candidate
    saved = (
        sorted(f[:-5] for f in os.listdir(roles_dir) if f.endswith(".yaml"))
        if os.path.isdir(roles_dir)
        else []
    )
    hint = f"; saved roles: {', '.join(saved)}" if saved else f"; save roles in {roles_dir}"
    raise SourcerError(f"no role file {name!r} (neither a path nor {candidate}){hint}")


def role_yaml(role: Role) -> str:
    """The role as a role file (YAML), keys in schema order."""
    import yaml

    return yaml.safe_dump(role.to_dict(), sort_keys=False, allow_unicode=True, width=100)
