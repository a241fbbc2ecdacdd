"""Linting and converting hand-written Boolean strings."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sourcer.query.boards import BOARDS, Board
from sourcer.query.lint import convert, lint
from sourcer.query.model import AllOf, AnyOf, Field, Node, Not, Word, normalise
from sourcer.query.parse import parse
from sourcer.query.render import render

# (string, board, expected diagnostic codes, expected repaired parts)
CASES: list[tuple[str, str, set[str], list[str]]] = [
    (
        "\u201cFlask\u201d and (python OR django",
        "linkedin",
        {"curly-quote", "lowercase-operator", "unclosed-paren"},
        ['"Flask" AND (python OR django)'],
    ),
    (
        "\u2018Flask\u2019 OR Django",
        "linkedin",
        {"curly-quote", "single-quote"},
        ['"Flask" OR Django'],
    ),
    ("'senior developer' python", "google", {"single-quote"}, ['"senior developer" python']),
    ("front\u2013end AND react", "linkedin", {"dash"}, ['"front-end" AND react']),
    ("python\u00a0developer", "google", {"odd-space"}, ["python developer"]),
    ("\u201cC++\u201d OR \u201cC#\u201d", "linkedin", {"curly-quote"}, ['"C++" OR "C#"']),
    ("python and django", "linkedin", {"lowercase-operator"}, ["python AND django"]),
    ("python or django", "dice", {"lowercase-operator"}, ["python OR django"]),
    ("python not java", "linkedin", {"lowercase-operator"}, ["python NOT java"]),
    ("flask and not django", "linkedin", {"lowercase-operator"}, ["flask NOT django"]),
    ("(python OR django", "linkedin", {"unclosed-paren"}, ["python OR django"]),
    ("((python OR django)", "dice", {"unclosed-paren"}, ["python OR django"]),
    ("python OR django)", "linkedin", {"unmatched-paren"}, ["python OR django"]),
    ("python) OR (django", "linkedin", {"unmatched-paren", "unclosed-paren"}, ["python OR django"]),
    ('"python developer', "linkedin", {"unclosed-quote"}, ['"python developer"']),
    (
        'python "senior developer" "lead',
        "google",
        {"unclosed-quote"},
        ['python "senior developer" "lead"'],
    ),
    ("python AND", "linkedin", {"dangling-operator"}, ["python"]),
    ("OR python", "linkedin", {"dangling-operator"}, ["python"]),
    ("python -", "google", {"dangling-operator"}, ["python"]),
    ("python AND AND django", "linkedin", {"doubled-operator"}, ["python AND django"]),
    ("python OR OR django", "dice", {"doubled-operator"}, ["python OR django"]),
    ("python AND OR django", "monster", {"doubled-operator"}, ["python OR django"]),
    ("python NOT", "linkedin", {"empty-not"}, ["python"]),
    ("NOT", "linkedin", {"empty-not"}, []),
    ("()", "linkedin", {"empty-group"}, []),
    ('python ""', "linkedin", {"empty-group"}, ["python"]),
    ("location: python", "github", {"empty-field"}, ["python"]),
    ("python -java", "linkedin", {"unsupported-minus"}, ["python NOT java"]),
    (
        "python -recruiter -sales",
        "sales-navigator",
        {"unsupported-minus"},
        ["python NOT (recruiter OR sales)"],
    ),
    ("python NOT java", "google", {"unsupported-not"}, ["python -java"]),
    ("python NOT (java OR scala)", "duckduckgo", {"unsupported-not"}, ["python -java -scala"]),
    ("develop* AND python", "linkedin", {"unsupported-wildcard"}, ["develop AND python"]),
    ("develop* AND python", "monster", set(), ["develop* AND python"]),
    ("site:linkedin.com/in python", "linkedin", {"unsupported-field"}, ["python"]),
    ("intitle:resume python", "dice", {"unsupported-field"}, ["resume AND python"]),
    ("title:(python developer)", "linkedin", {"unsupported-field"}, ["python AND developer"]),
    (
        "(flask OR django) python",
        "github",
        {"unsupported-group", "unsupported-or"},
        ["flask python", "django python"],
    ),
    ("flask | django", "linkedin", {"unsupported-symbol"}, ["flask OR django"]),
    ("flask | django", "google", set(), ["flask OR django"]),
    ("flask & django", "google", {"unsupported-and"}, ["flask django"]),
    ("flask & django", "bing", set(), ["flask django"]),
    ("python AND django", "google", {"unsupported-and"}, ["python django"]),
    ("+python developer", "google", {"unsupported-plus"}, ['"+python" developer']),
    (
        "python OR django AND flask",
        "linkedin",
        {"ambiguous-precedence"},
        ["python OR (django AND flask)"],
    ),
    # Google binds OR first: "python OR django flask" is "(python OR django) AND flask"
    ("python OR django flask", "google", {"ambiguous-precedence"}, ["(python OR django) flask"]),
    ("(python OR Python OR django)", "linkedin", {"duplicate-alternative"}, ["python OR django"]),
    ("(flask OR django OR flask)", "google", {"duplicate-alternative"}, ["flask OR django"]),
    ("a b c d e f g h i j k l", "bing", {"limit-exceeded", "cannot-fix"}, []),
    (
        "site:linkedin.com/in (a OR b OR c OR d OR e OR f OR g OR h OR i2 OR j2 OR k2 OR l2 OR m2 OR n2 OR o2 OR p2 OR q2)",
        "google",
        {"limit-exceeded"},
        [
            "site:linkedin.com/in (a OR b OR c OR d OR e OR f OR g OR h OR i2 OR j2 OR k2 OR l2 OR m2 OR n2 OR o2 OR p2)",
            "site:linkedin.com/in q2",
        ],
    ),
    (
        "(a OR b OR c OR d OR e OR f) x",
        "github",
        {"unsupported-group", "unsupported-or"},
        ["a x", "b x", "c x", "d x", "e x", "f x"],
    ),
    (
        "python NOT java NOT scala NOT ruby NOT go NOT rust NOT perl",
        "github",
        {"limit-exceeded"},
        ["python NOT java NOT scala NOT ruby NOT go NOT rust"],
    ),
    ("(flask OR django) AND python", "linkedin", set(), ["(flask OR django) AND python"]),
]


@pytest.mark.parametrize(
    ("text", "board", "codes", "fixed"), CASES, ids=[f"{c[1]}:{c[0]}" for c in CASES]
)
def test_diagnostics_and_fix(text, board, codes, fixed):
    result = lint(text, BOARDS[board])
    assert {d.code for d in result.diagnostics} == codes
    assert [part.query for part in result.fixed] == fixed
    for part in result.fixed:
        again = lint(part.query, BOARDS[board])
        assert again.errors == [], (part.query, again.errors)


def test_table_is_large_enough():
    assert len(CASES) >= 40
    assert len({code for _, _, codes, _ in CASES for code in codes}) >= 20


def test_diagnostic_columns_point_at_the_problem():
    result = lint("\u201cFlask\u201d and (python OR django", BOARDS["linkedin"])
    assert [(d.code, d.column) for d in result.diagnostics] == [
        ("curly-quote", 1),
        ("curly-quote", 7),
        ("lowercase-operator", 9),
        ("unclosed-paren", 13),
    ]
    assert all(d.fix for d in result.diagnostics)


def test_exclusion_of_a_too_long_term_is_dropped_with_a_note():
    text = "python NOT java NOT scala NOT ruby NOT go NOT rust NOT perl"
    (part,) = lint(text, BOARDS["github"]).fixed
    assert part.dropped == ("exclude: perl",)


# -- CLI -----------------------------------------------------------------------------------


def test_acceptance_example(run):
    text = "\u201cFlask\u201d and (python OR django"
    result = run("lint", text, "--board", "linkedin")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "col 1: error [curly-quote] curly quote '\u201c' (U+201C) is not understood; fix: use a straight '\"'",
        "col 7: error [curly-quote] curly quote '\u201d' (U+201D) is not understood; fix: use a straight '\"'",
        "col 9: error [lowercase-operator] lowercase 'and' is read as a plain word, not an operator; fix: write AND",
        "col 13: error [unclosed-paren] parenthesis opened here is never closed; fix: add the missing ')'",
    ]
    assert result.stderr == "Error: 4 errors, 0 warnings\n"

    fixed = run("lint", "--fix", text, "--board", "linkedin")
    assert fixed.stdout == '"Flask" AND (python OR django)\n'
    clean = run("lint", fixed.stdout.strip(), "--board", "linkedin")
    assert clean.exit_code == 0
    assert clean.stdout == ""
    assert clean.stderr == "OK: no errors.\n"


def test_warnings_exit_zero_unless_strict(run):
    result = run("lint", "a OR b AND c", "-b", "dice")
    assert result.exit_code == 0
    assert "warning [ambiguous-precedence]" in result.stdout
    assert result.stderr == "OK: no errors, 1 warning.\n"
    strict = run("lint", "a OR b AND c", "-b", "dice", "--strict")
    assert strict.exit_code == 1
    assert strict.stderr == "Error: 0 errors, 1 warning\n"


def test_stdin(run):
    result = run("lint", "-", "-b", "linkedin", input="python and\ndjango\n")
    assert result.exit_code == 1
    assert "col 8: error [lowercase-operator]" in result.stdout


def test_file_one_string_per_line(run, tmp_path):
    strings = tmp_path / "strings.txt"
    strings.write_text("python AND django\n\npython -java\n(flask OR django\n", encoding="utf-8")
    result = run("lint", "--file", str(strings), "-b", "linkedin")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"{strings}:3:8: error [unsupported-minus] LinkedIn people search has no minus operator: the - is read as part of the word; fix: write NOT before the word",
        f"{strings}:4:1: error [unclosed-paren] parenthesis opened here is never closed; fix: add the missing ')'",
    ]
    fixed = run("lint", "--file", str(strings), "-b", "linkedin", "--fix")
    assert fixed.stdout.splitlines() == ["python AND django", "python NOT java", "flask OR django"]


def test_json(run):
    result = run("lint", "python -java", "-b", "linkedin", "--json")
    assert result.exit_code == 1
    assert json.loads(result.stdout) == [
        {
            "line": None,
            "text": "python -java",
            "diagnostics": [
                {
                    "code": "unsupported-minus",
                    "column": 8,
                    "severity": "error",
                    "message": "LinkedIn people search has no minus operator: the - is read as part of the word",
                    "fix": "write NOT before the word",
                }
            ],
            "fixed": ["python NOT java"],
        }
    ]


def test_string_or_file_not_both(run, tmp_path):
    strings = tmp_path / "s.txt"
    strings.write_text("x\n")
    assert run("lint", "x", "--file", str(strings), "-b", "google").exit_code == 2
    assert run("lint", "-b", "google").exit_code == 2


def test_board_is_required(run):
    result = run("lint", "python")
    assert result.exit_code == 2
    assert "Missing option '--board'" in result.stderr


def test_convert_reports_what_the_target_lacks(run):
    result = run(
        "convert",
        "site:linkedin.com/in (flask OR django) -recruiter python*",
        "--from",
        "google",
        "--to",
        "linkedin",
    )
    assert result.exit_code == 0
    assert result.stdout == "(flask OR django) AND python NOT recruiter\n"  # your order
    assert (
        "site:linkedin.com/in left out: LinkedIn people search has no site: field" in result.stderr
    )
    assert (
        "'python*': LinkedIn people search has no * wildcard; searched as 'python'" in result.stderr
    )


def test_convert_splits_for_the_target(run):
    result = run(
        "convert",
        "(flask OR django OR fastapi) python NOT recruiter",
        "--from",
        "linkedin",
        "--to",
        "github",
        "--json",
    )
    data = json.loads(result.stdout)
    assert [d["query"] for d in data] == [
        "flask python type:user in:bio NOT recruiter",
        "django python type:user in:bio NOT recruiter",
        "fastapi python type:user in:bio NOT recruiter",
    ]
    assert all(d["url"].startswith("https://github.com/search?q=") for d in data)


def test_convert_with_nothing_left(run):
    result = run("convert", "site:linkedin.com/in", "--from", "google", "--to", "linkedin")
    assert result.exit_code == 1
    assert result.stderr.endswith(
        "Error: nothing in 'site:linkedin.com/in' can be searched on linkedin\n"
    )


def test_convert_api():
    converted = convert("title:(python OR django) -intern", BOARDS["indeed"], BOARDS["dice"])
    assert [s.query for s in converted.searches] == ["(python OR django) NOT intern"]
    assert any("title:(...): Dice has no title: field" in w for w in converted.searches[0].warnings)


@pytest.mark.parametrize(
    ("text", "written"),
    [
        # GitHub has no OR: an OR inside a NOT is written out as NOTs of ANDs
        ("x NOT (a (b OR c))", "x type:user in:bio NOT (a b) NOT (a c)"),
        ("x -(a (b OR c))", "x type:user in:bio NOT (a b) NOT (a c)"),
        ("x NOT ((a OR b) (c OR d))", "x type:user in:bio NOT (a c) NOT (a d) NOT (b c) NOT (b d)"),
        ("x NOT (a NOT (b OR c))", "x type:user in:bio NOT (a NOT b NOT c)"),
        ("x NOT (b OR c)", "x type:user in:bio NOT b NOT c"),
    ],
)
def test_convert_writes_out_an_or_inside_a_not_for_a_board_without_or(text, written):
    converted = convert(text, BOARDS["bing"], BOARDS["github"])
    assert [s.query for s in converted.searches] == [written]


def test_a_not_too_large_to_write_out_without_or_is_one_error_line(run):
    groups = " ".join(f"(a{i} OR b{i})" for i in range(7))  # 2**7 = 128 ANDs
    result = run("convert", f"x NOT ({groups})", "--from", "bing", "--to", "github")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: cannot convert for github: this board has no OR, and the NOT would be written "
        "out as more than 64 exclusions; split the exclusion, or leave out its alternatives\n"
    )


# -- round trip: parsing what the compiler renders gives back the same query -------------

WORD = st.one_of(
    st.sampled_from(
        [
            "AND",
            "OR",
            "NOT",
            "C++",
            "C#",
            ".NET",
            "Node.js",
            "CI/CD",
            "-x",
            "it's",
            "a|b",
            "(x)",
            "site:y",
        ]
    ),
    st.text(st.characters(categories=["Lu", "Ll", "Nd"]), min_size=1, max_size=8),
    st.builds(
        lambda a, b: f"{a} {b}",
        st.text(st.characters(categories=["Lu", "Ll"]), min_size=1, max_size=6),
        st.text(st.characters(categories=["Ll", "Nd"]), min_size=1, max_size=6),
    ),
)


def trees(board: Board) -> st.SearchStrategy[Node]:
    words = st.builds(Word, WORD)
    leaves: st.SearchStrategy[Node] = words
    if board.fields:
        value = (
            words
            if board.or_op == ""
            else st.one_of(
                words,
                st.builds(lambda ws: AnyOf(tuple(ws)), st.lists(words, min_size=2, max_size=3)),
            )
        )
        leaves = st.one_of(words, st.builds(Field, st.sampled_from(sorted(board.fields)), value))

    def extend(children: st.SearchStrategy[Node]) -> st.SearchStrategy[Node]:
        groups = [
            st.builds(lambda xs: AllOf(tuple(xs)), st.lists(children, min_size=2, max_size=4)),
            st.builds(Not, leaves),
        ]
        if board.or_op:
            groups.append(
                st.builds(lambda xs: AnyOf(tuple(xs)), st.lists(children, min_size=2, max_size=4))
            )
        return st.one_of(*groups)

    return st.recursive(leaves, extend, max_leaves=10)


@pytest.mark.parametrize("board", list(BOARDS.values()), ids=lambda b: b.slug)
def test_parse_of_render_round_trips(board):
    @settings(max_examples=150, deadline=None)
    @given(trees(board))
    def check(tree: Node) -> None:
        rendered = render(tree, board)
        parsed = parse(rendered)
        assert parsed.node is not None, rendered
        assert [d for d in parsed.diagnostics if d.severity == "error"] == [], rendered
        assert normalise(parsed.node) == normalise(tree), rendered

    check()


def test_google_binds_or_first_in_parse_lint_and_convert(run):
    result = run("convert", "flask django OR rails", "--from", "google", "--to", "linkedin")
    assert result.stdout == "flask AND (django OR rails)\n"
    back = run("convert", "flask AND django OR rails", "--from", "linkedin", "--to", "google")
    assert back.stdout == "(flask django) OR rails\n" or "rails" in back.stdout


def test_and_on_google_is_a_harmless_word_not_an_error():
    result = lint("flask AND django", BOARDS["google"])
    assert [(d.code, d.severity) for d in result.diagnostics] == [("unsupported-and", "warning")]
    assert [p.query for p in result.fixed] == ["flask django"]


def test_a_word_dash_before_a_word_is_an_exclusion_and_the_order_is_kept():
    result = lint("Golang AND (Kubernetes OR k8s) \u2013 recruiter", BOARDS["linkedin"])
    assert "spaced-minus" in {d.code for d in result.diagnostics}
    assert [p.query for p in result.fixed] == ["Golang AND (Kubernetes OR k8s) NOT recruiter"]


def test_an_empty_string_is_an_error(run):
    result = run("lint", "", "--board", "linkedin")
    assert result.exit_code == 1
    assert (
        result.stdout
        == "col 1: error [empty-string] there is nothing to search for; fix: write a search\n"
    )
    assert result.stderr == "Error: 1 error, 0 warnings\n"
