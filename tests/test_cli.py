"""The command line as a whole: help everywhere, version, entry points, no tracebacks."""

from __future__ import annotations

import os
import subprocess
import sys

import click
import pytest

from sourcer import __version__
from sourcer.cli import cli


def all_command_paths() -> list[list[str]]:
    paths: list[list[str]] = [[]]

    def walk(group: click.Group, prefix: list[str]) -> None:
        ctx = click.Context(group)
        for name in group.list_commands(ctx):
            command = group.get_command(ctx, name)
            assert command is not None, name
            paths.append([*prefix, name])
            if isinstance(command, click.Group):
                walk(command, [*prefix, name])

    walk(cli, [])
    return paths


@pytest.mark.parametrize("path", all_command_paths(), ids=lambda p: " ".join(p) or "sourcer")
@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_every_command_has_help(run, path, flag):
    result = run(*path, flag)
    assert result.exit_code == 0
    assert result.stdout.startswith("Usage: ")
    assert result.stderr == ""
    # the first line of the docstring is a sentence, so the command list reads well
    command = cli
    for name in path:
        command = command.get_command(click.Context(command), name)
    assert command.help and command.help.strip().split("\n")[0].endswith(".")


def test_version(run):
    result = run("--version")
    assert result.exit_code == 0
    assert result.stdout == f"sourcer {__version__}\n"


def test_unknown_command_is_a_usage_error(run):
    result = run("serach")
    assert result.exit_code == 2
    assert "No such command 'serach'" in result.stderr


def test_python_dash_m_runs(tmp_path):
    env = {**os.environ, "SOURCER_HOME": str(tmp_path), "HOME": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "sourcer", "--version"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"sourcer {__version__}\n"


def test_unwritable_output_is_a_one_line_error(run, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    target = blocker / "brief.md"
    result = run("brief", "flask", "-o", str(target))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {target}: cannot write it (")
    assert "Traceback" not in result.output


def test_the_short_help_table_is_each_commands_own_first_sentence():
    import click

    from sourcer.cli import LAZY_COMMANDS, SHORT_HELP, cli

    assert sorted(SHORT_HELP) == sorted(LAZY_COMMANDS)
    ctx = click.Context(cli)
    for name, text in SHORT_HELP.items():
        command = cli.get_command(ctx, name)
        assert command is not None
        assert command.get_short_help_str(1000) == text, name


def test_top_level_help_imports_no_command(tmp_path):
    import subprocess
    import sys

    code = (
        "import sys, runpy\n"
        "sys.argv = ['sourcer', '--help']\n"
        "try:\n    runpy.run_module('sourcer', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith('sourcer.cli.')), file=sys.stderr)\n"
    )
    env = {**os.environ, "SOURCER_HOME": str(tmp_path), "HOME": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False
    )
    assert "  query     Build Boolean search strings for TERMS" in done.stdout
    assert done.stderr.strip().splitlines()[-1] == "['sourcer.cli.common']"


@pytest.mark.parametrize("columns", ["", "123", "nonsense"])
def test_the_terminal_width_is_read_as_shutil_reads_it(monkeypatch, columns):
    import shutil

    from sourcer.cli import terminal_width

    monkeypatch.setenv("COLUMNS", columns)
    assert terminal_width() == shutil.get_terminal_size().columns


def test_top_level_help_imports_no_shutil(tmp_path):
    import subprocess
    import sys

    code = (
        "import sys\n"
        "sys.argv = ['sourcer', '--help']\n"
        "from sourcer.cli import main\n"
        "try:\n    main()\n"
        "except SystemExit:\n    pass\n"
        "print('shutil' in sys.modules, file=sys.stderr)\n"
    )
    env = {**os.environ, "SOURCER_HOME": str(tmp_path), "HOME": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False
    )
    assert done.stdout.startswith("Usage: sourcer")
    assert done.stderr.strip().splitlines()[-1] == "False"
