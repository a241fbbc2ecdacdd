"""The README's examples are real: every `$ sourcer ...` line in a console block is run.

The lines after a command are its expected output (stdout, or stderr for an error). A last
line of `...` means the output only has to start with the lines shown.
"""

from __future__ import annotations

import re
import shlex

import pytest

from tests.conftest import REPO

BLOCK = re.compile(r"```console\n(.*?)```", re.DOTALL)


def readme_examples() -> list[tuple[str, list[str]]]:
    examples: list[tuple[str, list[str]]] = []
    text = (REPO / "README.md").read_text(encoding="utf-8")
    for block in BLOCK.findall(text):
        for chunk in re.split(r"^\$ ", block, flags=re.MULTILINE)[1:]:
            command, *output = chunk.rstrip("\n").split("\n")
            examples.append((command, output))
    return examples


EXAMPLES = readme_examples()


def test_readme_has_examples():
    assert len(EXAMPLES) >= 3


@pytest.mark.parametrize(("command", "expected"), EXAMPLES, ids=[c for c, _ in EXAMPLES])
def test_readme_example(run, monkeypatch, command, expected):
    monkeypatch.setenv("COLUMNS", "88")
    monkeypatch.chdir(REPO)  # examples name files relative to the checkout
    argv = shlex.split(command)
    assert argv[0] == "sourcer"
    result = run(*argv[1:])
    shown = (result.stdout or result.stderr).rstrip("\n").split("\n")
    if expected and expected[-1] == "...":
        assert shown[: len(expected) - 1] == expected[:-1]
    else:
        assert shown == expected
