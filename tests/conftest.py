"""Shared fixtures: every test runs with its own SOURCER_HOME and HOME under tmp_path."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

import pytest
from click.testing import CliRunner, Result

from sourcer.cli import cli
from sourcer.query.boards import UrlSpec
from sourcer.query.urls import RESTLI_PREFIX

REPO = Path(__file__).resolve().parent.parent
GOLDEN = REPO / "tests" / "golden"


def check_golden(relative: str, text: str) -> None:
    """Compare ``text`` with ``tests/golden/<relative>``; SOURCER_UPDATE_GOLDEN=1 rewrites
    the file instead (review the diff before committing it)."""
    path = GOLDEN / relative
    if os.environ.get("SOURCER_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"missing golden file {path}; run with SOURCER_UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8"), f"output differs from {path}"


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No test may read or write the real home directory or the user's sourcer folder."""
    home = tmp_path / "sourcer-home"
    monkeypatch.setenv("SOURCER_HOME", str(home))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "home" / ".config"))
    monkeypatch.delenv("NO_COLOR", raising=False)
    return home


@pytest.fixture
def run() -> Callable[..., Result]:
    """Invoke the CLI in-process; stdout and stderr are kept apart."""
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None) -> Result:
        return runner.invoke(cli, list(args), input=input, catch_exceptions=False)

    return invoke


@pytest.fixture
def write_terms(tmp_path: Path) -> Callable[..., Path]:
    """Write an inline tree of term files: write_terms({"a.yaml": "name: A ..."})."""

    def write(files: dict[str, str | bytes], folder: str = "extra-terms") -> Path:
        root = tmp_path / folder
        root.mkdir(parents=True, exist_ok=True)
        for name, content in files.items():
            path = root / name
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        return root

    return write


def minimal_term(name: str, *, aliases: str = "[]", extra: str = "") -> str:
    """A valid term file body with the required keys."""
    return (
        f"name: {name}\n"
        f"summary: {name} is a technology used in tests.\n"
        f"aliases: {aliases}\n"
        f"titles:\n  typical: {name} Developer\n"
        f"{extra}"
    )


def parse_url(spec: UrlSpec, url: str) -> tuple[str, str | None]:
    """The query and location a link carries: the inverse of build_url, for checking links."""
    params = dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))
    value = params.get(spec.query_param, "")
    if spec.restli and value.startswith(RESTLI_PREFIX) and value.endswith(")"):
        value = unquote(value[len(RESTLI_PREFIX) : -1])
    location = params.get(spec.location_param) if spec.location_param else None
    return value, location
