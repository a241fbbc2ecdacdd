"""The console script's quick path: everyday ``sourcer query`` without Click, printing
exactly what the Click command prints, and handing everything else to Click."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sourcer import launch
from sourcer.cli import cli
from sourcer.cli.common import sourcer_home
from sourcer.launch import Command, parse
from sourcer.query.plan import QueryRequest

REPO = Path(__file__).resolve().parent.parent


def run_script(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str, bool]:
    """The console script in-process: exit status, stdout, stderr, and whether the quick
    path answered."""
    answered: list[bool] = []
    quick = launch.quick

    def spy(arguments: list[str]) -> bool:
        try:
            answered.append(quick(arguments))
        except SystemExit:  # it answered, with an error
            answered.append(True)
            raise
        return answered[-1]

    capsys.readouterr()
    saved = sys.argv
    sys.argv = ["sourcer", *args]
    launch.quick = spy  # type: ignore[assignment]
    try:
        launch.main()
        status = 0
    except SystemExit as done:
        status = done.code if isinstance(done.code, int) else 1
    finally:
        sys.argv = saved
        launch.quick = quick  # type: ignore[assignment]
    out, err = capsys.readouterr()
    return status, out, err, answered[0]


def run_click(args: list[str]) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, args, prog_name="sourcer")
    return result.exit_code, result.stdout, result.stderr


# -- what it reads --------------------------------------------------------------------------


def read(*terms: str, **given: object) -> Command:
    return Command((), QueryRequest(terms, **given))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("args", "command"),
    [
        (["query", "flask"], read("flask")),
        (["query", "flask", "--board", "linkedin"], read("flask", boards=("linkedin",))),
        (
            ["query", "go", "-b", "google", "kubernetes", "--board=bing", "--json"],
            read("go", "kubernetes", boards=("google", "bing"), output="json"),
        ),
        (
            ["query", "go", "--level", "junior", "--level=senior", "--mode", "strict"],
            read("go", level="senior", mode="strict"),
        ),
        (
            ["query", "go", "--fit", "drop", "--exhaustive", "--url", "-b", "all"],
            read("go", boards=("all",), fit="drop", exhaustive=True, output="urls"),
        ),
        (["query", "Node.js", "-"], read("Node.js", "-")),
        (
            ["query", "python", "--any", "django", "--any=flask", "--nice", "aws"],
            read("python", any_groups=(("django", "flask"),), nice_terms=("aws",)),
        ),
        (["query", "--keyword", "gRPC"], read(keywords=("gRPC",))),
        (["query", "--any", "go"], read(any_groups=(("go",),))),
        (
            ["query", "go", "-l", "Berlin", "--location=Munich", "-x", "-intern", "-k", "--json"],
            read("go", locations=("Berlin", "Munich"), excludes=("-intern",), keywords=("--json",)),
        ),
        (
            ["query", "go", "--no-titles", "--titles", "--title", "SRE", "--remote"],
            read("go", titles=True, extra_titles=("SRE",), remote=True),
        ),
        (
            ["query", "go", "--site", "github", "--site=example.com/people", "--no-exclude"],
            read("go", site="example.com/people", term_exclusions=False),
        ),
        (
            ["query", "go", "--keep-recruiters", "--keep-managers", "--location-as-keyword"],
            read("go", keep_recruiters=True, keep_managers=True, location_as_keyword=True),
        ),
        (["query", "go", "--explain", "--allow-todo"], read("go", explain=True, allow_todo=True)),
    ],
)
def test_query_command_lines_are_read(args, command):
    assert parse(args) == command


def test_terms_dirs_before_the_command_are_read(tmp_path):
    extra = tmp_path / "extra"
    extra.mkdir()
    parsed = parse(["--terms-dir", str(extra), f"--terms-dir={extra}", "query", "x"])
    assert parsed == Command((str(extra), str(extra)), QueryRequest(("x",)))


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["--help"],
        ["--version"],
        ["query"],  # nothing to search: Click's usage error
        ["query", "--nice", "aws"],
        ["query", "--help"],
        ["query", "flask", "-h"],
        ["lint", "flask"],
        ["boards"],
        ["query", "flask", "--board"],  # no value
        ["query", "flask", "--location"],
        ["query", "flask", "--board", "myspace"],  # not a board
        ["query", "flask", "--board", "LinkedIn"],  # Click's choices are case-sensitive
        ["query", "flask", "-b=linkedin"],  # Click reads "=linkedin" as the value
        ["query", "flask", "-blinkedin"],
        ["query", "flask", "-lBerlin"],
        ["query", "flask", "--level", "principal"],
        ["query", "flask", "--site", "not a site"],  # the option's callback refuses it
        ["query", "flask", "--json", "--url"],  # Click's usage error
        ["query", "flask", "--json=yes"],
        ["query", "flask", "--remote=no"],
        ["query", "flask", "--role", "go.yaml"],
        ["query", "flask", "--copy"],
        ["query", "flask", "--open"],
        ["query", "flask", "--", "--json"],
        ["query", "flask", "--boar", "linkedin"],
        ["--terms-dir", "/no/such/folder", "query", "flask"],
        ["--terms-dir"],
        ["query", "flask", "--terms-dir", "."],  # a group option after the command
    ],
)
def test_everything_else_is_left_to_click(args):
    assert parse(args) is None


def test_a_terms_dir_that_is_a_file_is_left_to_click(tmp_path):
    a_file = tmp_path / "terms.yaml"
    a_file.write_text("name: X\n", encoding="utf-8")
    assert parse(["--terms-dir", str(a_file), "query", "x"]) is None


def test_shell_completion_is_left_to_click(monkeypatch):
    monkeypatch.setenv("_SOURCER_COMPLETE", "bash_complete")
    assert parse(["query", "flask"]) is None


# -- where it looks -------------------------------------------------------------------------


@pytest.mark.parametrize("sourcer_home_value", [None, "", "~/elsewhere"])
@pytest.mark.parametrize("xdg", [None, "", "/tmp/xdg-config"])
def test_the_home_folder_is_the_click_commands(monkeypatch, sourcer_home_value, xdg):
    for name, value in (("SOURCER_HOME", sourcer_home_value), ("XDG_CONFIG_HOME", xdg)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    assert launch.home_root() == sourcer_home()


@pytest.mark.parametrize(("platform", "os_name"), [("darwin", "posix"), ("win32", "nt")])
def test_app_folders_only_click_knows_are_left_to_it(monkeypatch, platform, os_name):
    monkeypatch.delenv("SOURCER_HOME")
    monkeypatch.setattr(sys, "platform", platform)
    monkeypatch.setattr(os, "name", os_name)
    assert launch.home_root() is None


def test_windows_is_left_to_click(monkeypatch):
    monkeypatch.setattr(os, "name", "nt")
    assert not launch.quick(["query", "flask"])


def test_the_warning_label_is_clicks():
    assert click.style("warning:", fg="yellow", bold=True) == launch.WARNING_STYLED


# -- what it prints -------------------------------------------------------------------------


def test_it_hands_the_core_what_the_click_command_hands_it(monkeypatch, tmp_path, capsys):
    """Both entry points hand query_reply the same library and an equal request."""
    import sourcer.cli.query_cmd as query_cmd
    import sourcer.query.plan as plan

    extra = tmp_path / "extra"
    extra.mkdir()
    calls: list[tuple[object, ...]] = []
    real = plan.query_reply

    def record(library, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append((library.layers, library.cache_dir, args, kwargs))
        return real(library, *args, **kwargs)

    monkeypatch.setattr(plan, "query_reply", record)
    monkeypatch.setattr(query_cmd, "query_reply", record)
    forms = [
        ["query", "flask"],
        ["query", "flask", "postgres", "--board", "all", "--level", "senior"],
        ["query", "go", "-b", "google", "--mode", "broad", "--exhaustive", "--json"],
        ["query", "go", "-b", "github", "-b", "bing", "--fit", "drop", "--url"],
        ["--terms-dir", str(extra), "query", "k8s", "--mode=strict", "--level=mid"],
        ["query", "python", "--any", "django", "--any", "flask", "--nice", "aws", "--explain"],
        ["query", "--keyword", "gRPC", "-k", "protobuf", "-b", "google", "--site", "github"],
        ["query", "go", "-l", "Berlin", "-l", "Munich", "--remote", "--location-as-keyword"],
        ["query", "go", "-x", "intern", "--no-exclude", "--keep-recruiters", "--keep-managers"],
        ["query", "go", "--no-titles", "--title", "SRE", "--mode", "strict", "--allow-todo"],
    ]
    for args in forms:
        calls.clear()
        status, _, _, answered = run_script(args, capsys)
        assert (status, answered) == (0, True), args
        assert run_click(args)[0] == 0, args
        quick_call, click_call = calls
        assert quick_call == click_call, args


EVERYDAY = [
    ["query", "flask", "--board", "linkedin"],
    ["query", "flask"],
    ["query", "go", "kubernetes", "--board", "all", "--level", "senior"],
    ["query", "Postgres", "-b", "bing", "-b", "github", "--mode", "strict"],
    ["query", "flask", "--board", "google", "--json"],
    ["query", "flask", "--board", "all", "--url"],
    ["query", "react", "--board", "brave", "--fit", "drop", "--exhaustive"],
    ["query", "python", "--any", "django", "--any", "flask", "--nice", "aws", "-b", "all"],
    ["query", "go", "--explain", "-b", "google", "-l", "Berlin", "--remote"],
    ["query", "--keyword", "gRPC", "-b", "linkedin", "-b", "indeed", "-x", "intern"],
    ["query", "rust", "--site", "github", "-b", "bing", "--title", "Systems Engineer"],
    ["query", "flask", "--keep-recruiters", "-b", "dice"],
    ["query", "java", "-b", "linkedin", "--location-as-keyword", "-l", "Paris", "--no-exclude"],
]


@pytest.mark.parametrize("args", EVERYDAY, ids=" ".join)
def test_everyday_queries_print_what_click_prints(args, capsys):
    status, out, err, answered = run_script(args, capsys)
    assert answered
    assert (status, out, err) == run_click(args)
    assert out.strip()


@pytest.mark.parametrize(
    "args",
    [
        ["query", "flask", "--board", "myspace"],
        ["query", "--json", "--url", "flask"],
        ["query"],
    ],
    ids=" ".join,
)
def test_usage_errors_are_clicks_own(args, capsys):
    status, out, err, answered = run_script(args, capsys)
    assert not answered
    assert (status, out, err) == run_click(args)
    assert status == 2
    assert err.startswith("Usage: sourcer query")


@pytest.mark.parametrize(
    "args",
    [
        ["query", "flsk", "--board", "linkedin"],
        ["query", "flask", "no-such-thing", "--json"],
        ["query", "\x1b[31mred"],  # shown escaped, never as a colour
        ["query", "x" * 100],
    ],
    ids=repr,
)
def test_an_unknown_term_is_the_one_line_error_of_the_click_command(args, capsys):
    """Answered on the quick path, once: a typo's suggestions are not looked for twice."""
    status, out, err, answered = run_script(args, capsys)
    assert (status, out, err) == run_click(args)
    assert answered
    assert (status, out) == (1, "")
    assert err.startswith("Error: unknown term") and err.count("\n") == 1
    assert "\x1b" not in err


def test_a_term_holding_placeholders_is_refused_as_by_click(capsys, write_terms):
    folder = write_terms(
        {
            "todo.yaml": "name: Todo Tech\ncategory: framework\nsummary: TODO describe it\n"
            "titles:\n  typical: Todo Developer\n"
        }
    )
    args = ["--terms-dir", str(folder), "query", "todo-tech"]
    status, out, err, answered = run_script(args, capsys)
    assert (status, out, err) == run_click(args)
    assert answered
    assert err == (
        f"Error: {folder / 'todo.yaml'}:3: summary still holds a TODO placeholder; fill it in "
        "('sourcer terms lint' lists them all), or pass --allow-todo\n"
    )


def test_warnings_are_styled_on_a_terminal_unless_no_color(monkeypatch, capsys):
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    assert launch.quick(["query", "flask", "--board", "bing"])
    err = capsys.readouterr().err
    assert err.startswith(launch.WARNING_STYLED + " bing: ")
    monkeypatch.setenv("NO_COLOR", "1")
    assert launch.quick(["query", "flask", "--board", "bing"])
    assert capsys.readouterr().err.startswith("warning: bing: ")


WORDS = st.sampled_from(["flask", "go", "Postgres", "k8s", "react", "flsk", "-", "query", ""])
OPTIONS = st.sampled_from(
    [
        ["--board", "linkedin"],
        ["-b", "google"],
        ["--board=bing"],
        ["-b", "all"],
        ["-b", "github"],
        ["--board", "nope"],
        ["--level", "senior"],
        ["--level=junior"],
        ["--level", "guru"],
        ["--mode", "strict"],
        ["--mode", "broad"],
        ["--fit", "drop"],
        ["--exhaustive"],
        ["--json"],
        ["--url"],
        ["--site", "github"],
        ["--site=nope nope"],
        ["-x", "manager"],
        ["--exclude", "-x"],
        ["-l", "Berlin"],
        ["--location=Zürich"],
        ["--remote"],
        ["-k", "gRPC"],
        ["--keyword", "--json"],
        ["--any", "django"],
        ["--nice", "aws"],
        ["--title", "SRE"],
        ["--no-titles"],
        ["--no-exclude"],
        ["--keep-managers"],
        ["--explain"],
        ["--role", "x.yaml"],
        ["--help"],
        ["--board"],
    ]
)


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    words=st.lists(WORDS, max_size=3),
    options=st.lists(OPTIONS, max_size=3),
    order=st.randoms(use_true_random=False),
)
def test_any_command_line_prints_what_click_prints(capsys, words, options, order):
    args: list[str] = [*words, *(word for option in options for word in option)]
    order.shuffle(args)
    args = ["query", *args]
    status, out, err, answered = run_script(args, capsys)
    assert (status, out, err) == run_click(args)
    if answered:
        assert parse(args) is not None and status in (0, 1)


# -- the installed script -------------------------------------------------------------------

IMPORTS = (
    "import sys, runpy\n"
    "sys.argv = ['sourcer', *sys.argv[1:]]\n"
    "try:\n    runpy.run_module('sourcer', run_name='__main__')\n"
    "except SystemExit:\n    pass\n"
    "print('click' in sys.modules, file=sys.stderr)\n"
)


def _script(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SOURCER_HOME": str(tmp_path), "HOME": str(tmp_path)}
    return subprocess.run(
        [sys.executable, "-c", IMPORTS, *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


def test_an_everyday_query_never_imports_click(tmp_path):
    done = _script(tmp_path, "query", "flask", "--board", "linkedin")
    assert done.stdout.startswith("Flask NOT (")
    assert done.stderr.splitlines()[-1] == "False"


def test_an_unknown_term_is_reported_without_click(tmp_path):
    done = _script(tmp_path, "query", "flsk", "--board", "linkedin")
    first, last = done.stderr.splitlines()
    assert first.startswith("Error: unknown term: 'flsk' (did you mean flask?")
    assert last == "False"


def test_anything_else_goes_through_click(tmp_path):
    done = _script(tmp_path, "query", "--help")
    assert done.stdout.startswith("Usage: sourcer query [OPTIONS] [TERMS]...")
    assert done.stderr.splitlines()[-1] == "True"


def _closed_pipe_run(tmp_path: Path, code: str) -> tuple[int, str]:
    """Run ``code`` with stdout a pipe whose reader is already gone."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    env = {**os.environ, "SOURCER_HOME": str(tmp_path), "HOME": str(tmp_path)}
    try:
        done = subprocess.run(
            [sys.executable, "-c", code],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            check=False,
        )
    finally:
        os.close(write_end)
    return done.returncode, done.stderr


def test_a_closed_pipe_ends_quietly_as_with_click(tmp_path):
    argv = "sys.argv = ['sourcer', 'query', 'flask', '--board', 'google']\n"
    quick = _closed_pipe_run(tmp_path, f"import sys\n{argv}from sourcer.launch import main\nmain()")
    slow = _closed_pipe_run(tmp_path, f"import sys\n{argv}from sourcer.cli import main\nmain()")
    assert quick == slow == (1, "")


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize(
    "args",
    [
        ["query", "flask", "--board", "google"],  # the quick path
        ["query", "flask", "--board", "google", "--json"],
        ["terms", "list"],  # the Click command
    ],
)
def test_a_full_disk_is_one_error_line_not_a_traceback(tmp_path, args):
    env = {**os.environ, "SOURCER_HOME": str(tmp_path), "HOME": str(tmp_path)}
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "sourcer", *args],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            check=False,
        )
    assert (done.returncode, done.stderr) == (
        1,
        "Error: cannot write the output (No space left on device); free some space, or "
        "send the output elsewhere\n",
    )


def test_the_console_script_and_python_m_use_the_quick_path():
    import tomllib

    scripts = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "scripts"
    ]
    assert scripts == {"sourcer": "sourcer.launch:main"}
    main_module = (REPO / "src" / "sourcer" / "__main__.py").read_text(encoding="utf-8")
    assert "from sourcer.launch import main" in main_module
