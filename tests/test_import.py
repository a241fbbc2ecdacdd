"""Importing recruiter glossary pages over HTTP (all through `responses`) and from files."""

from __future__ import annotations

import json

import pytest
import requests
import responses

from sourcer import __version__
from sourcer.glossary.http import RETRY_STATUSES, make_session
from sourcer.glossary.page import parse_page, slugify, text_lines
from tests.conftest import REPO

FIXTURES = REPO / "tests" / "fixtures" / "glossary"
HASKELL_HTML = (FIXTURES / "haskell.html").read_text(encoding="utf-8")
DENO_TEXT = (FIXTURES / "deno.txt").read_text(encoding="utf-8")
URL = "https://glossary.example.com/terms/haskell"


@pytest.fixture
def http():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def user_terms(home):
    folder = home / "terms"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_html_page_round_trips(run, http, isolated_home):
    http.get(URL, body=HASKELL_HTML, content_type="text/html; charset=utf-8")
    result = run("terms", "import", URL)
    assert result.exit_code == 0, result.stderr
    path = isolated_home / "terms" / "haskell.yaml"
    assert result.stdout == f"{path}\n"
    text = path.read_text(encoding="utf-8")
    assert text.startswith(f"# Imported by sourcer {__version__} from {URL} on ")
    assert "# TODO curate: how candidates write this skill" in text
    assert "window.analytics" not in text and "Pricing" not in text, "site chrome is dropped"
    assert "\u2019" not in text and "\u201c" not in text, "typography is straightened"

    lint = run("terms", "lint")
    assert lint.exit_code == 0, lint.stdout

    shown = json.loads(run("terms", "show", "haskell", "--json").stdout)
    assert shown["name"] == "Haskell"
    assert shown["category"] == "Software Development"
    assert shown["titles"] == {
        "typical": "Haskell Developer",
        "also_try": [
            "Functional Programmer",
            "Software Engineer",
            "Backend Engineer",
            "Scala Developer",
            "Quantitative Developer",
        ],
    }
    assert shown["similar"] == ["scala", "elixir"], "OCaml is not in the library"
    assert "# TODO curate: not in the library yet: OCaml" in text
    assert shown["levels"]["junior"] == {
        "years": "0-2",
        "indicators": ["Writes small programs and exercises", "Reads type signatures confidently"],
        "keywords": [],
    }
    assert [q["level"] for q in shown["interview"]] == ["senior", "mid", "junior"]
    assert shown["interview"][1]["question"] == "What is a monad, in plain words?"
    assert shown["red_flags"][0] == "Only knows Haskell from tutorials"
    assert shown["resume_examples"][1] == (
        "Cut production incidents by modelling payment states in Haskell's type system"
    )
    assert shown["sources"] == [URL]

    query = run("query", "haskell", "--board", "linkedin")
    assert query.exit_code == 0
    assert query.stdout.startswith("Haskell NOT (recruiter OR")
    strict = run("query", "haskell", "--board", "linkedin", "--mode", "strict")
    # strict mode requires role words; "Functional Programmer" is covered by "programmer"
    assert "AND (engineer OR developer OR programmer OR" in strict.stdout


def test_text_page(run, http, isolated_home):
    http.get("https://glossary.example.com/deno.txt", body=DENO_TEXT, content_type="text/plain")
    result = run("terms", "import", "https://glossary.example.com/deno.txt")
    assert result.exit_code == 0, result.stderr
    shown = json.loads(run("terms", "show", "deno", "--json").stdout)
    assert shown["titles"]["also_try"] == [
        "TypeScript Developer",
        "Backend Developer",
        "JavaScript Developer",
        "Full Stack Engineer",
        "Node.js Developer",
        "Platform Engineer",
    ]
    assert shown["similar"] == ["nodejs"]
    assert shown["related"] == ["typescript", "javascript", "nodejs"]
    assert run("terms", "lint").exit_code == 0


def test_local_files(run, isolated_home, tmp_path):
    out = tmp_path / "team"
    result = run(
        "terms",
        "import",
        str(FIXTURES / "haskell.html"),
        str(FIXTURES / "deno.txt"),
        "--out",
        str(out),
    )
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["deno.yaml", "haskell.yaml"]
    assert run("--terms-dir", str(out), "terms", "lint", str(out)).exit_code == 0


def test_user_agent_and_timeouts(http, run):
    http.get(URL, body=HASKELL_HTML, content_type="text/html")
    run("terms", "import", URL, "--dry-run")
    request = http.calls[0].request
    assert request.headers["User-Agent"].startswith(f"sourcer/{__version__} ")


def test_dry_run_writes_nothing(run, http, isolated_home):
    http.get(URL, body=HASKELL_HTML, content_type="text/html")
    result = run("terms", "import", URL, "--dry-run")
    assert result.exit_code == 0
    assert result.stdout.startswith("# Imported by sourcer")
    assert 'name: "Haskell"' in result.stdout
    assert user_terms(isolated_home) == []


def test_retries_500_500_200(run, http, isolated_home):
    http.get(URL, status=500)
    http.get(URL, status=500)
    http.get(URL, body=HASKELL_HTML, content_type="text/html")
    result = run("terms", "import", URL)
    assert result.exit_code == 0, result.stderr
    assert len(http.calls) == 3
    assert user_terms(isolated_home) == ["haskell.yaml"]


def test_retries_429_with_retry_after(run, http):
    http.get(URL, status=429, headers={"Retry-After": "0"})
    http.get(URL, body=HASKELL_HTML, content_type="text/html")
    assert run("terms", "import", URL, "--dry-run").exit_code == 0
    assert len(http.calls) == 2


def test_retry_policy():
    retry = make_session().get_adapter("https://x").max_retries
    assert set(retry.status_forcelist) == {429, 500, 502, 503, 504} == set(RETRY_STATUSES)
    assert retry.respect_retry_after_header is True
    assert retry.backoff_factor > 0
    assert "GET" in retry.allowed_methods


def failure(run, isolated_home, *args):
    result = run("terms", "import", *args)
    assert result.exit_code == 1
    assert user_terms(isolated_home) == [], "nothing is written on failure"
    return result


def test_404(run, http, isolated_home):
    http.get(URL, status=404)
    result = failure(run, isolated_home, URL)
    assert (
        result.stderr
        == f"failed: {URL}: HTTP 404 Not Found\nError: 1 of 1 source failed; nothing was written\n"
    )


def test_server_error_after_retries(run, http, isolated_home):
    for _ in range(4):
        http.get(URL, status=503)
    result = failure(run, isolated_home, URL)
    assert f"failed: {URL}: HTTP 503 Service Unavailable" in result.stderr
    assert len(http.calls) == 4  # the first try and three retries


def test_timeout(run, http, isolated_home):
    http.get(URL, body=requests.exceptions.ReadTimeout("read timed out"))
    result = failure(run, isolated_home, URL)
    assert f"failed: {URL}: timed out (read timed out)" in result.stderr


def test_connection_error(run, http, isolated_home):
    http.get(URL, body=requests.exceptions.ConnectionError("Name or service not known"))
    result = failure(run, isolated_home, URL)
    assert f"failed: {URL}: cannot connect (Name or service not known)" in result.stderr


def test_oversized_body(run, http, isolated_home):
    http.get(URL, body=b"<p>" + b"x" * 2_100_000, content_type="text/html")
    result = failure(run, isolated_home, URL)
    assert "over the 2,000,000" in result.stderr


def test_oversized_body_without_content_length(run, http, isolated_home):
    http.get(
        URL,
        body=b"<p>" + b"x" * 2_100_000,
        content_type="text/html",
        auto_calculate_content_length=False,
    )
    result = failure(run, isolated_home, URL)
    assert f"failed: {URL}: page is over the 2,000,000-byte limit" in result.stderr


def test_wrong_content_type(run, http, isolated_home):
    http.get(URL, body=b"%PDF-1.7", content_type="application/pdf")
    result = failure(run, isolated_home, URL)
    assert f"failed: {URL}: content type 'application/pdf' is not a web page" in result.stderr


def test_redirect_to_another_scheme(run, http, isolated_home):
    http.get(URL, status=302, headers={"Location": "ftp://files.example.com/haskell.html"})
    result = failure(run, isolated_home, URL)
    assert (
        f"failed: {URL}: redirected to ftp://files.example.com/haskell.html; only http and https are followed"
        in result.stderr
    )


def test_redirect_to_https_is_followed(run, http):
    http.get("http://glossary.example.com/haskell", status=301, headers={"Location": URL})
    http.get(URL, body=HASKELL_HTML, content_type="text/html")
    result = run("terms", "import", "http://glossary.example.com/haskell", "--dry-run")
    assert result.exit_code == 0
    assert f'  - "{URL}"' in result.stdout, "the final address is cited"


def test_only_http_and_https(run, isolated_home):
    result = failure(run, isolated_home, "file:///etc/passwd")
    assert (
        "failed: file:///etc/passwd: only http and https are fetched (this is file:)"
        in result.stderr
    )


def test_not_a_glossary_page(run, http, isolated_home):
    http.get(
        URL,
        body="<html><body><h1>Welcome</h1><p>Our pricing.</p></body></html>",
        content_type="text/html",
    )
    result = failure(run, isolated_home, URL)
    assert result.stderr.startswith(
        f"failed: {URL}: not a recruiter glossary page: no 'Term from ... industry explained for "
        "recruiters', 'Typical job title', 'Examples in Resumes', 'Also try searching "
        "for', 'Example Interview Questions', 'Experience Level Indicators', 'Red Flags to Watch "
        "For' sections\n"
    )


def test_declared_non_utf8_page_is_decoded(run, http, isolated_home):
    page = HASKELL_HTML.replace("banks", "banques, caf\u00e9s").replace("&rsquo;", "'")
    page = page.replace('<meta charset="utf-8">', "")
    http.get(URL, body=page.encode("windows-1252"), content_type="text/html; charset=windows-1252")
    assert run("terms", "import", URL).exit_code == 0
    assert "caf\u00e9s" in (isolated_home / "terms" / "haskell.yaml").read_text(encoding="utf-8")


def test_undeclared_non_utf8_page_is_refused(run, http, isolated_home):
    page = HASKELL_HTML.replace("banks", "caf\u00e9s").replace('<meta charset="utf-8">', "")
    http.get(URL, body=page.encode("latin-1"), content_type="text/html")
    result = failure(run, isolated_home, URL)
    assert f"failed: {URL}: the page is not UTF-8, and it declares no charset" in result.stderr


def test_one_failure_does_not_stop_the_others(run, http, isolated_home, tmp_path):
    http.get(URL, body=HASKELL_HTML, content_type="text/html")
    http.get("https://glossary.example.com/missing", status=404)
    listing = tmp_path / "pages.txt"
    listing.write_text(
        f"# team glossary\n{URL}\n\nhttps://glossary.example.com/missing\n{FIXTURES / 'deno.txt'}\n"
    )
    result = run("terms", "import", "--from-file", str(listing))
    assert result.exit_code == 1
    assert user_terms(isolated_home) == ["deno.yaml", "haskell.yaml"]
    assert result.stderr.endswith(
        "failed: https://glossary.example.com/missing: HTTP 404 Not Found\n"
        "Error: 1 of 3 sources failed; 2 imported\n"
    )


def test_never_overwrites_without_force(run, isolated_home):
    source = str(FIXTURES / "deno.txt")
    assert run("terms", "import", source).exit_code == 0
    path = isolated_home / "terms" / "deno.yaml"
    path.write_text("curated by hand")
    result = run("terms", "import", source)
    assert result.exit_code == 1
    assert f"failed: {path} already exists; use --force to overwrite it" in result.stderr
    assert path.read_text() == "curated by hand"
    assert run("terms", "import", source, "--force").exit_code == 0
    assert path.read_text().startswith("# Imported by sourcer")


def test_name_claimed_by_another_term(run, isolated_home, tmp_path):
    page = tmp_path / "django.txt"
    page.write_text(DENO_TEXT.replace("Deno", "Django"))
    result = failure(run, isolated_home, str(page), "--slug", "django-web")
    assert "is also claimed by" in result.stderr
    assert "pass --slug to import it under another name" in result.stderr


def test_usage_errors(run):
    assert run("terms", "import").exit_code == 2
    assert run("terms", "import", "a.txt", "b.txt", "--slug", "x").exit_code == 2


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Flask", "flask"),
        ("C#", "csharp"),
        ("C++", "cpp"),
        ("Node.js", "nodejs"),
        (".NET", "dotnet"),
        ("Ruby on Rails", "ruby-on-rails"),
    ],
)
def test_slugify(name, slug):
    assert slugify(name) == slug


def test_titles_run_together_on_one_line_are_split():
    page = parse_page(text_lines(DENO_TEXT), "deno.txt")
    assert page.typical_title == "Deno Developer"
    assert page.levels["senior"].years == "4+"
