"""Outreach templates: the layered loader, front matter, and rendering one message.

A template is ``NAME.j2``: front matter naming its channel, then Jinja text. Channels with a
subject put it in ``{% block subject %}`` and the message in ``{% block body %}``; a template
without blocks is all body. Templates come in layers (built-in, the user's, then any
``--templates-dir``); a later layer overrides an earlier one by name. A rendered message is
checked against its channel's length limits.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, NamedTuple

from sourcer.errors import MessageTooLong, TemplateError
from sourcer.library.skim import plain_mapping
from sourcer.outreach.channels import CHANNELS, Channel
from sourcer.templating import FRONT_MATTER, make_environment, render_parts
from sourcer.textfile import ReadError, read_text

if TYPE_CHECKING:
    from jinja2.sandbox import SandboxedEnvironment

SUFFIX = ".j2"
FRONT_MATTER_KEYS = ("channel", "description")


class OutreachTemplate(NamedTuple):
    """A message template: its name, channel and where it comes from; for a language
    variant (``inmail.de.j2``), its language and file."""

    name: str
    channel: Channel
    description: str
    path: str
    origin: str
    #: the language of a variant ("de"); "" for the default
    lang: str = ""

    @property
    def file(self) -> str:
        """The template's file name in the environment: ``inmail.j2``, ``inmail.de.j2``."""
        return f"{self.name}.{self.lang}{SUFFIX}" if self.lang else self.name + SUFFIX


#: a language variant's file name: ``connection-note.de.j2``
_VARIANT = re.compile(r"^(?P<name>.+)\.(?P<lang>[a-z]{2})$")

#: language names people write in a column, to their codes
LANGUAGE_NAMES = {
    "english": "en", "englisch": "en", "anglais": "en", "inglés": "en", "ingles": "en",
    "german": "de", "deutsch": "de", "allemand": "de", "alemán": "de", "aleman": "de",
    "french": "fr", "französisch": "fr", "franzosisch": "fr", "français": "fr",
    "francais": "fr", "francés": "fr", "frances": "fr",
    "spanish": "es", "spanisch": "es", "espagnol": "es", "español": "es", "espanol": "es",
}  # fmt: skip


def language_code(value: object) -> str:
    """'de', 'DE', 'de-AT', 'Deutsch' -> 'de'; '' for anything else."""
    if not value:
        return ""  # the common case in a merge: no language column, no --lang
    text = str(value).strip().casefold()
    if text in LANGUAGE_NAMES:
        return LANGUAGE_NAMES[text]
    code = re.split(r"[-_]", text, maxsplit=1)[0]
    return code if re.fullmatch(r"[a-z]{2}", code) else ""


class Message(NamedTuple):
    """One rendered message; ``row`` is its CSV row in a mail-merge, else None."""

    template: str
    channel: Channel
    subject: str | None
    body: str
    row: int | None = None
    candidate: Mapping[str, object] = {}
    warnings: tuple[str, ...] = ()

    def lengths(self) -> dict[str, int]:
        out = {"body": len(self.body)}
        if self.subject is not None:
            out["subject"] = len(self.subject)
        return out

    def text(self) -> str:
        """The message as it is sent: the subject line (if any), a blank line, the body."""
        if self.subject is None:
            return self.body
        return f"Subject: {self.subject}\n\n{self.body}"

    def to_dict(self) -> dict[str, object]:
        """The message as JSON data (``--format json``)."""
        return {
            "row": self.row,
            "template": self.template,
            "channel": self.channel.slug,
            "subject": self.subject,
            "body": self.body,
            "length": self.lengths(),
            "warnings": list(self.warnings),
            "candidate": dict(self.candidate),
        }


def read_front_matter(path: str) -> tuple[Channel, str]:
    """The channel and description a template declares; TemplateError naming file:line."""
    try:
        source = read_text(path)
    except ReadError as err:
        raise TemplateError(str(err)) from err
    match = FRONT_MATTER.match(source)
    if match is None:
        raise TemplateError(
            f"{path}:1: no front matter; start the file with ---, channel: NAME, --- "
            f"(channels: {', '.join(CHANNELS)})"
        )
    block = match.group(1) or ""
    plain = plain_mapping(block, FRONT_MATTER_KEYS)  # the usual front matter: no YAML needed
    if plain is not None:
        data: Mapping[str, object] = {key: value for key, (value, _) in plain.items()}
        key_lines = {key: line for key, (_, line) in plain.items()}
    else:
        data, key_lines = _parsed_front_matter(block, path)
    channel = data.get("channel")
    if not isinstance(channel, str) or channel not in CHANNELS:
        line = key_lines.get("channel", 0) + 1
        raise TemplateError(
            f"{path}:{line}: channel must be one of {', '.join(CHANNELS)} (got {channel!r})"
        )
    description = data.get("description") or ""
    if not isinstance(description, str):
        line = key_lines.get("description", 0) + 1
        raise TemplateError(f"{path}:{line}: description must be text (got {description!r})")
    return CHANNELS[channel], description


def _parsed_front_matter(block: str, path: str) -> tuple[Mapping[str, object], dict[str, int]]:
    """Front matter read by the YAML parser: its keys and their lines, or TemplateError."""
    from sourcer.yamlload import LineDict, YAMLSyntaxError, load, unknown_key

    try:
        data = load(block, path)
    except YAMLSyntaxError as err:
        problem = err.problem
        raise TemplateError(f"{path}:{problem.line + 1}: {problem.message}") from err
    if not isinstance(data, LineDict):
        raise TemplateError(f"{path}:2: front matter must be keys such as channel:")
    if (unknown := unknown_key(data, FRONT_MATTER_KEYS)) is not None:
        key, line = unknown
        raise TemplateError(
            f"{path}:{line + 1}: unknown front matter key {key!r}; "
            f"expected {', '.join(FRONT_MATTER_KEYS)}"
        )
    return data, data.key_lines


class Templates:
    """The layered templates and the sandboxed environment that renders them."""

    def __init__(self, layers: Sequence[tuple[str, str]], cache_dir: str | None = None) -> None:
        #: (origin, folder), built-in first; later layers win
        self.layers = [(origin, os.path.abspath(folder)) for origin, folder in layers]
        #: where the shipped templates' compiled code is kept, if anywhere
        self.cache_dir = cache_dir
        self._environment: SandboxedEnvironment | None = None

    def _files(self) -> Iterator[tuple[str, str, str]]:
        """(origin, folder, stem) of every template file, built-in layer first."""
        for origin, folder in self.layers:
            try:
                entries = sorted(os.listdir(folder))
            except (FileNotFoundError, NotADirectoryError):
                continue
            for entry in entries:
                if entry.endswith(SUFFIX) and not entry.startswith("."):
                    yield origin, os.path.join(folder, entry), entry[: -len(SUFFIX)]

    def names(self) -> dict[str, tuple[str, str]]:
        """Template name -> (origin, path), for every template a layer offers."""
        found = {
            stem: (origin, path)
            for origin, path, stem in self._files()
            if _VARIANT.match(stem) is None
        }
        return dict(sorted(found.items()))

    def languages(self, name: str) -> dict[str, tuple[str, str]]:
        """The language variants of template ``name``: code -> (origin, path)."""
        found: dict[str, tuple[str, str]] = {}
        for origin, path, stem in self._files():
            match = _VARIANT.match(stem)
            if match is not None and match["name"] == name:
                found[match["lang"]] = (origin, path)
        return dict(sorted(found.items()))

    def variant(self, template: OutreachTemplate, lang: str) -> OutreachTemplate | None:
        """Template ``template`` in language ``lang``, or None where there is no such
        variant (English is the default's language)."""
        variants = self.languages(template.name)
        if lang not in variants:
            return None
        origin, path = variants[lang]
        channel, description = read_front_matter(path)
        if channel != template.channel:
            raise TemplateError(
                f"{path}:2: a variant of {template.name} must be a {template.channel.slug} "
                f"template too (it says {channel.slug})"
            )
        return template._replace(
            channel=channel, description=description, path=path, origin=origin, lang=lang
        )

    def get(self, name: str) -> OutreachTemplate:
        known = self.names()
        if name not in known:
            import difflib

            close = difflib.get_close_matches(name, list(known), n=3)
            hint = f" Did you mean: {', '.join(close)}?" if close else ""
            raise TemplateError(
                f"no template {name!r}.{hint} Run 'sourcer outreach list' to see them."
            )
        origin, path = known[name]
        channel, description = read_front_matter(path)
        return OutreachTemplate(name, channel, description, path, origin)

    def all(self) -> list[OutreachTemplate]:
        return [self.get(name) for name in self.names()]

    @property
    def environment(self) -> SandboxedEnvironment:
        if self._environment is None:
            # Plain text: no autoescape (see sourcer.templating.make_environment).
            folders = [folder for _, folder in reversed(self.layers)]
            self._environment = make_environment(folders, html=False, cache_dir=self.cache_dir)
        return self._environment

    def render(
        self,
        template: OutreachTemplate,
        context: Mapping[str, object],
        *,
        tier: str,
        allow_long: bool = False,
        row: int | None = None,
    ) -> Message:
        """Render one message and check it against the channel's limits for ``tier``."""
        parts = ["subject", "body"] if template.channel.subject else ["body"]
        rendered = render_parts(self.environment, template.file, context, parts)
        if template.channel.subject and "subject" not in rendered:
            raise TemplateError(
                f"{template.path}: a {template.channel.name} needs a subject: add "
                "{% block subject %}...{% endblock %}"
            )
        subject = " ".join(rendered["subject"].split()) if "subject" in rendered else None
        body = _tidy(rendered.get("body", ""))
        candidate = context.get("candidate")
        message = Message(
            template.name,
            template.channel,
            subject,
            body,
            row,
            candidate if isinstance(candidate, Mapping) else {},
        )
        warnings = check_lengths(message, tier, allow_long)
        return message._replace(warnings=tuple(warnings))


def _tidy(text: str) -> str:
    """Trim the outer blank lines and trailing spaces a template's layout leaves."""
    lines = [line.rstrip() for line in text.strip("\n").splitlines()]
    return "\n".join(lines).strip()


def check_lengths(message: Message, tier: str, allow_long: bool) -> list[str]:
    """Warnings for soft limits (and hard ones under ``allow_long``); MessageTooLong else."""
    warnings: list[str] = []
    lengths = message.lengths()
    for limit in message.channel.limits_for(tier):
        length = lengths.get(limit.part)
        if length is None or length <= limit.value:
            continue
        tier_text = f" ({limit.tier} accounts)" if limit.tier else ""
        text = (
            f"{message.channel.name} {limit.part} is {length} characters; the limit is "
            f"{limit.value}{tier_text}, {length - limit.value} over "
            f"({limit.confidence}: {limit.source})"
        )
        if limit.hard and not allow_long:
            raise MessageTooLong(text + "; shorten it, or pass --allow-long")
        warnings.append(text)
    return warnings
