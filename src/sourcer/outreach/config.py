"""The user's settings: ``$SOURCER_HOME/config.yaml`` (who sends messages, which tier).

sender:
  name: Sam Lee
  title: Technical Recruiter
  company: Acme
  email: sam@acme.example
  signature: Sam Lee, Technical Recruiter at Acme
tier: premium          # LinkedIn account tier for connection notes: free or premium
company: Acme          # the hiring company, unless --set company=...
role: Backend Engineer # the role, unless --set role=...
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, NamedTuple

from sourcer.errors import ConfigError
from sourcer.outreach.channels import SIGNATURE_LIMIT, TIERS
from sourcer.textfile import ReadError, read_text

if TYPE_CHECKING:  # read only when a config file exists: PyYAML costs start-up time
    from sourcer.yamlload import LineDict

KEYS = ("sender", "tier", "company", "role")


class Config(NamedTuple):
    sender: dict[str, str]
    tier: str | None = None
    company: str | None = None
    role: str | None = None
    path: str = ""


def load_config(path: str) -> Config:
    """Read and check the config file; a missing file means no settings."""
    if not os.path.exists(path):
        return Config({}, path=path)
    from sourcer.yamlload import LineDict, YAMLSyntaxError, load, unknown_key

    try:
        data = load(read_text(path), path)
    except YAMLSyntaxError as err:
        raise ConfigError(str(err.problem)) from err
    except ReadError as err:
        raise ConfigError(str(err)) from err
    if data is None:
        return Config({}, path=path)
    if not isinstance(data, LineDict):
        raise ConfigError(f"{path}:1: expected keys such as sender: and tier:")
    for key, line in data.duplicates:
        raise ConfigError(
            f"{path}:{line}: {key!s} appears twice (also line {data.key_lines[key]}); keep one"
        )
    if (unknown := unknown_key(data, KEYS)) is not None:
        key, line = unknown
        raise ConfigError(f"{path}:{line}: unknown key {key!r}; expected {', '.join(KEYS)}")
    sender = data.get("sender") or {}
    if not isinstance(sender, dict) or not all(
        isinstance(k, str) and isinstance(v, (str, int)) for k, v in sender.items()
    ):
        line = data.key_lines.get("sender", 1)
        raise ConfigError(f"{path}:{line}: sender: expected name: value pairs")
    sender = {k: str(v) for k, v in sender.items()}
    signature = sender.get("signature", "")
    if len(signature) > SIGNATURE_LIMIT.value:
        raise ConfigError(
            f"{path}:{_line(sender, data)}: sender.signature is {len(signature)} characters; "
            f"LinkedIn Recruiter allows {SIGNATURE_LIMIT.value} ({SIGNATURE_LIMIT.source})"
        )
    tier = _text(data, "tier", path)
    if tier is not None and tier not in TIERS:
        raise ConfigError(f"{path}:{data.key_lines['tier']}: tier must be free or premium")
    return Config(sender, tier, _text(data, "company", path), _text(data, "role", path), path)


def _text(data: LineDict, key: str, path: str) -> str | None:
    value: object = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{path}:{data.key_lines[key]}: {key}: expected text")
    return value.strip()


def _line(sender: dict[str, str], data: LineDict) -> int:
    from sourcer.yamlload import LineDict

    raw = data.get("sender")
    if isinstance(raw, LineDict):
        return raw.key_lines.get("signature", raw.line)
    return data.key_lines.get("sender", 1)
