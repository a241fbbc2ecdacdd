"""Hostile and broken input: every case ends in a clear error or a correct answer, quickly,
never a traceback, a crash or a hang."""

from __future__ import annotations

import subprocess
import sys

import pytest

from sourcer.query.boards import BOARDS
from sourcer.query.lint import lint
from sourcer.yamlload import YAMLSyntaxError, load
from tests.conftest import minimal_term

# -- YAML we read ---------------------------------------------------------------------------


def test_deeply_nested_yaml_is_refused_before_the_parser_sees_it():
    with pytest.raises(YAMLSyntaxError) as error:
        load("aliases: " + "[" * 100_000, "bomb.yaml")
    assert str(error.value) == "bomb.yaml:1: nested more than 64 levels deep; flatten it"


def test_anchors_and_aliases_are_refused():
    text = "a: &x [1, 2]\nb: [*x, *x, *x]\n"
    with pytest.raises(YAMLSyntaxError) as error:
        load(text, "alias.yaml")
    assert str(error.value) == (
        "alias.yaml:1: anchors and aliases (& and *) are not allowed; write the value out"
    )


def test_a_star_inside_text_is_no_alias():
    assert load('summary: "a *b* c"\nname: C*\n', "ok.yaml") == {
        "summary": "a *b* c",
        "name": "C*",
    }


def test_huge_files_are_refused():
    with pytest.raises(YAMLSyntaxError) as error:
        load("x: " + "a" * 1_000_001, "big.yaml")
    assert "files over 1,000,000 are refused" in str(error.value)


def test_a_term_file_bomb_is_a_lint_error_not_a_crash(run, write_terms):
    folder = write_terms({"bomb.yaml": "name: " + "[" * 200_000})
    result = run("terms", "lint", str(folder))
    assert result.exit_code == 1
    assert (
        result.stdout == f"{folder / 'bomb.yaml'}:1: nested more than 64 levels deep; flatten it\n"
    )


def test_a_duplicate_key_in_config_names_both_lines(run, isolated_home):
    isolated_home.mkdir(parents=True, exist_ok=True)
    (isolated_home / "config.yaml").write_text("tier: free\ntier: premium\n", encoding="utf-8")
    result = run("outreach", "render", "connection-note", "--set", "first_name=Ada")
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {isolated_home / 'config.yaml'}:2: tier appears twice (also line 1); keep one\n"
    )


def test_a_duplicate_key_in_a_term_file_is_reported(run, write_terms):
    folder = write_terms({"dup.yaml": minimal_term("Dup") + "name: Again\n"})
    result = run("terms", "lint", str(folder))
    assert result.exit_code == 1
    assert "name: key appears twice; keep one" in result.stdout


# -- search strings -------------------------------------------------------------------------


def test_300_nested_parentheses_are_an_error_not_a_crash(run):
    text = "(" * 300 + "flask" + ")" * 300
    result = run("lint", text, "--board", "linkedin")
    assert result.exit_code == 1
    assert "error [too-deep] parentheses nested more than 50 deep" in result.stdout
    converted = run("convert", text, "--from", "linkedin", "--to", "google")
    assert converted.exit_code == 1
    assert "Traceback" not in converted.stderr


def test_a_very_long_string_is_cut_and_said():
    result = lint("flask " * 30_000, BOARDS["linkedin"])
    assert "too-long" in {d.code for d in result.diagnostics}


@pytest.mark.parametrize("board", ["linkedin", "google", "bing"])
def test_ten_thousand_alternatives_lint_in_seconds(board):
    # linear work: run in a child process with a bound, so a regression fails, never hangs
    code = (
        "from sourcer.query.lint import lint\n"
        "from sourcer.query.boards import BOARDS\n"
        f"r = lint(' OR '.join(f'w{{i}}' for i in range(10000)), BOARDS[{board!r}])\n"
        "print(len(r.fixed))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=20, check=True
    )
    assert int(done.stdout) >= 1
