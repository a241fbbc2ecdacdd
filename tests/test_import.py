"""Importing recruiter glossary pages over HTTP (all through `responses`) and from files:
`import_many` called directly, and `sourcer terms import` for output and exit status."""

from __future__ import annotations

import json

import pytest
import requests
import responses

from sourcer import __version__, yamlload
from sourcer.errors import FetchError, FileExists, GlossaryError
from sourcer.glossary.http import RETRY_STATUSES, make_session
from sourcer.glossary.importer import Imported, ImportFailure, ImportResult, import_many
from sourcer.home import shipped_dir
from sourcer.library.store import Layer, Library
from tests.conftest import REPO

FIXTURES = REPO / "tests" / "fixtures" / "glossary"
IDRIS_HTML = (FIXTURES / "idris.html").read_text(encoding="utf-8")
DENO_TEXT = (FIXTURES / "deno.txt").read_text(encoding="utf-8")
URL = "https://glossary.example.com/terms/idris"


@pytest.fixture
def http():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def user_terms(home):
    folder = home / "terms"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def library_of(home):
    """The library `sourcer` itself sees with SOURCER_HOME=home: shipped terms, then the user's."""
    layers = [Layer("builtin", shipped_dir("terms")), Layer("user", str(home / "terms"))]
    return Library(layers, cache_dir=home / "cache")


@pytest.fixture
def import_into(isolated_home):
    """import_many into the user's terms folder, as `sourcer terms import` does."""

    def run_import(*sources: str, **options) -> ImportResult:
        options.setdefault("target_dir", isolated_home / "terms")
        return import_many(list(sources), library=library_of(isolated_home), **options)

    return run_import


def failed(result: ImportResult, home) -> ImportFailure:
    """The one failure of a one-source import, after checking nothing was written."""
    assert result.imported == ()
    assert user_terms(home) == [], "nothing is written on failure"
    (failure,) = result.failures
    return failure


# -- import_many ------------------------------------------------------------------------------


def test_html_page(import_into, http, isolated_home):
    http.get(URL, body=IDRIS_HTML, content_type="text/html; charset=utf-8")
    result = import_into(URL)
    path = isolated_home / "terms" / "idris.yaml"
    (imported,) = result.outcomes
    assert isinstance(imported, Imported)
    assert (imported.source, imported.slug, imported.name) == (URL, "idris", "Idris")
    assert (imported.path, imported.written, imported.overrides) == (str(path), True, None)
    assert result.written == result.imported == (imported,) and result.failures == ()
    assert path.read_text(encoding="utf-8") == imported.yaml
    assert imported.yaml.startswith(f"# Imported by sourcer {__version__} from {URL} on ")


def test_text_page(import_into, http, isolated_home):
    http.get("https://glossary.example.com/deno.txt", body=DENO_TEXT, content_type="text/plain")
    result = import_into("https://glossary.example.com/deno.txt")
    assert result.failures == ()
    library = library_of(isolated_home)
    shown = library.get("deno").to_dict()
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
    assert [p for p in library.lint() if p.severity == "error"] == []


def test_dry_run_says_where_it_would_write(import_into, isolated_home):
    result = import_into(str(FIXTURES / "deno.txt"), dry_run=True)
    (imported,) = result.imported
    assert imported.path == str(isolated_home / "terms" / "deno.yaml")
    assert imported.written is False and result.written == () and result.dry_run
    assert 'name: "Deno"' in imported.yaml
    assert user_terms(isolated_home) == []


def test_user_agent_and_timeouts(http, import_into):
    http.get(URL, body=IDRIS_HTML, content_type="text/html")
    import_into(URL, dry_run=True)
    request = http.calls[0].request
    assert request.headers["User-Agent"].startswith(f"sourcer/{__version__} ")


def test_retries_500_500_200(import_into, http, isolated_home):
    http.get(URL, status=500)
    http.get(URL, status=500)
    http.get(URL, body=IDRIS_HTML, content_type="text/html")
    result = import_into(URL)
    assert result.failures == ()
    assert len(http.calls) == 3
    assert user_terms(isolated_home) == ["idris.yaml"]


def test_retries_429_with_retry_after(import_into, http):
    http.get(URL, status=429, headers={"Retry-After": "0"})
    http.get(URL, body=IDRIS_HTML, content_type="text/html")
    assert import_into(URL, dry_run=True).failures == ()
    assert len(http.calls) == 2


def test_retry_policy():
    retry = make_session().get_adapter("https://x").max_retries
    assert set(retry.status_forcelist) == {429, 500, 502, 503, 504} == set(RETRY_STATUSES)
    assert retry.respect_retry_after_header is True
    assert retry.backoff_factor > 0
    assert "GET" in retry.allowed_methods


def test_404(import_into, http, isolated_home):
    http.get(URL, status=404)
    failure = failed(import_into(URL), isolated_home)
    assert failure.source == URL
    assert failure.message == f"{URL}: HTTP 404 Not Found"
    assert isinstance(failure.error, FetchError)


def test_server_error_after_retries(import_into, http, isolated_home):
    for _ in range(4):
        http.get(URL, status=503)
    failure = failed(import_into(URL), isolated_home)
    assert failure.message == f"{URL}: HTTP 503 Service Unavailable"
    assert len(http.calls) == 4  # the first try and three retries


def test_timeout(import_into, http, isolated_home):
    http.get(URL, body=requests.exceptions.ReadTimeout("read timed out"))
    failure = failed(import_into(URL), isolated_home)
    assert failure.message == f"{URL}: timed out (read timed out)"


def test_connection_error(import_into, http, isolated_home):
    http.get(URL, body=requests.exceptions.ConnectionError("Name or service not known"))
    failure = failed(import_into(URL), isolated_home)
    assert failure.message == f"{URL}: cannot connect (Name or service not known)"


def test_oversized_body(import_into, http, isolated_home):
    http.get(URL, body=b"<p>" + b"x" * 2_100_000, content_type="text/html")
    failure = failed(import_into(URL), isolated_home)
    assert "over the 2,000,000" in failure.message


def test_oversized_body_without_content_length(import_into, http, isolated_home):
    http.get(
        URL,
        body=b"<p>" + b"x" * 2_100_000,
        content_type="text/html",
        auto_calculate_content_length=False,
    )
    failure = failed(import_into(URL), isolated_home)
    assert failure.message == f"{URL}: page is over the 2,000,000-byte limit"


def test_wrong_content_type(import_into, http, isolated_home):
    http.get(URL, body=b"%PDF-1.7", content_type="application/pdf")
    failure = failed(import_into(URL), isolated_home)
    assert failure.message.startswith(f"{URL}: content type 'application/pdf' is not a web page")


def test_redirect_to_another_scheme(import_into, http, isolated_home):
    http.get(URL, status=302, headers={"Location": "ftp://files.example.com/idris.html"})
    failure = failed(import_into(URL), isolated_home)
    assert failure.message == (
        f"{URL}: redirected to ftp://files.example.com/idris.html; only http and https are followed"
    )


def test_redirect_to_https_is_followed(import_into, http):
    http.get("http://glossary.example.com/idris", status=301, headers={"Location": URL})
    http.get(URL, body=IDRIS_HTML, content_type="text/html")
    (imported,) = import_into("http://glossary.example.com/idris", dry_run=True).imported
    assert f'  - "{URL}"' in imported.yaml, "the final address is cited"


def test_only_http_and_https(import_into, isolated_home):
    failure = failed(import_into("file:///etc/passwd"), isolated_home)
    assert failure.message == "file:///etc/passwd: only http and https are fetched (this is file:)"


def test_not_a_glossary_page(import_into, http, isolated_home):
    http.get(
        URL,
        body="<html><body><h1>Welcome</h1><p>Our pricing.</p></body></html>",
        content_type="text/html",
    )
    failure = failed(import_into(URL), isolated_home)
    assert isinstance(failure.error, GlossaryError)
    assert failure.message == (
        f"{URL}: not a recruiter glossary page: no 'Typical job title', 'Examples in Resumes', "
        "'Also try searching for', 'Example Interview Questions', 'Experience Level "
        "Indicators', 'Red Flags to Watch For' sections (found: summary); the layouts sourcer "
        "reads are in the README"
    )


HEADINGS_HTML = """<html><body><nav>Site menu</nav><main>
<h1>Deno</h1>
<h2>Summary</h2>
<p>Deno runs JavaScript and TypeScript outside the browser, with permissions first.
Similar systems include Node.js and Bun.</p>
<h2>Examples in Resumes</h2>
<ul><li>Built HTTP services on Deno</li><li>Moved scripts from Node.js to Deno</li></ul>
<h2>Typical job title</h2><p>Deno Developers</p>
<h3>Also try searching for</h3>
<ul><li>TypeScript Developer</li><li>Backend Developer</li></ul>
<h2>Red flags</h2><ul><li>Has only read about it</li></ul>
</main></body></html>"""

GERMAN_TEXT = """Deno

Zusammenfassung
Deno führt JavaScript und TypeScript außerhalb des Browsers aus, mit Berechtigungen zuerst.

Beispiele im Lebenslauf
- Interne HTTP-Dienste mit Deno gebaut
- Build-Skripte von Node.js auf Deno umgestellt

Typischer Jobtitel
Deno Developer

Auch suchen nach
TypeScript Developer Backend Developer

Warnsignale
- Kennt Deno nur aus Blogartikeln
"""


@pytest.mark.parametrize(
    ("body", "content_type"),
    [(HEADINGS_HTML, "text/html"), (GERMAN_TEXT, "text/plain")],
    ids=["html-headings", "german-text-headings"],
)
def test_pages_with_sections_marked_by_headings(
    import_into, http, isolated_home, body, content_type
):
    from sourcer.library.check import read_term

    http.get(URL, body=body, content_type=content_type)
    result = import_into(URL)
    assert not result.failures, [f.message for f in result.failures]
    (written,) = result.written
    term = read_term(written.path, "user")
    assert term.name == "Deno"
    assert term.titles.typical == "Deno Developer"
    assert term.titles.also_try == ("TypeScript Developer", "Backend Developer")
    assert len(term.resume_examples) == 2
    assert len(term.red_flags) == 1
    assert term.summary.startswith("Deno ")


def test_declared_non_utf8_page_is_decoded(import_into, http, isolated_home):
    page = IDRIS_HTML.replace("banks", "banques, caf\u00e9s").replace("&rsquo;", "'")
    page = page.replace('<meta charset="utf-8">', "")
    http.get(URL, body=page.encode("windows-1252"), content_type="text/html; charset=windows-1252")
    assert import_into(URL).failures == ()
    assert "caf\u00e9s" in (isolated_home / "terms" / "idris.yaml").read_text(encoding="utf-8")


def test_undeclared_non_utf8_page_is_refused(import_into, http, isolated_home):
    page = IDRIS_HTML.replace("banks", "caf\u00e9s").replace('<meta charset="utf-8">', "")
    http.get(URL, body=page.encode("latin-1"), content_type="text/html")
    failure = failed(import_into(URL), isolated_home)
    assert failure.message.startswith(f"{URL}: the page is not UTF-8, and it declares no charset")


def test_unreadable_and_non_utf8_files(import_into, isolated_home, tmp_path):
    latin = tmp_path / "page.txt"
    latin.write_bytes("Deno\ncaf\u00e9\n".encode("latin-1"))
    result = import_into(str(tmp_path / "missing.html"), str(latin))
    assert [f.message for f in result.failures] == [
        f"{tmp_path / 'missing.html'}: cannot read it (No such file or directory)",
        f"{latin}:2: not UTF-8 text (byte 0xe9); save it as UTF-8",
    ]
    assert user_terms(isolated_home) == []


def test_one_failure_does_not_stop_the_others(import_into, http, isolated_home):
    http.get(URL, body=IDRIS_HTML, content_type="text/html")
    http.get("https://glossary.example.com/missing", status=404)
    seen: list[str] = []
    sources = [URL, "https://glossary.example.com/missing", str(FIXTURES / "deno.txt")]
    result = import_into(*sources, progress=seen.append)
    assert seen == sources, "progress is told of every source, in order"
    assert [type(o).__name__ for o in result.outcomes] == ["Imported", "ImportFailure", "Imported"]
    assert [o.source for o in result.outcomes] == sources
    assert [i.slug for i in result.written] == ["idris", "deno"]
    assert result.failures[0].message == "https://glossary.example.com/missing: HTTP 404 Not Found"
    assert user_terms(isolated_home) == ["deno.yaml", "idris.yaml"]


def test_never_overwrites_without_force(import_into, isolated_home):
    source = str(FIXTURES / "deno.txt")
    path = isolated_home / "terms" / "deno.yaml"
    path.parent.mkdir(parents=True)
    path.write_text("curated by hand")
    result = import_into(source)
    (failure,) = result.failures
    assert result.written == ()
    assert isinstance(failure.error, FileExists)
    assert failure.message == f"{path} already exists; use --force to overwrite it"
    assert path.read_text() == "curated by hand"
    (imported,) = import_into(source, force=True).written
    assert path.read_text() == imported.yaml


def test_the_same_slug_twice_in_one_run(import_into, isolated_home, tmp_path):
    copy = tmp_path / "deno-again.txt"
    copy.write_text(DENO_TEXT)
    result = import_into(str(FIXTURES / "deno.txt"), str(copy))
    assert [i.source for i in result.written] == [str(FIXTURES / "deno.txt")]
    assert result.failures[0].source == str(copy)
    assert isinstance(result.failures[0].error, FileExists)


def test_overriding_a_shipped_term(import_into, isolated_home, tmp_path):
    page = tmp_path / "django.txt"
    page.write_text(DENO_TEXT.replace("Deno", "Django"))
    (imported,) = import_into(str(page)).written
    assert imported.slug == "django"
    assert imported.overrides is not None
    assert (imported.overrides.origin, imported.overrides.slug) == ("builtin", "django")


def test_name_claimed_by_another_term(import_into, isolated_home, tmp_path):
    page = tmp_path / "django.txt"
    page.write_text(DENO_TEXT.replace("Deno", "Django"))
    failure = failed(import_into(str(page), slug="django-web"), isolated_home)
    assert failure.message == (
        f"{page}: the imported term would not lint: name: 'Django' is also claimed by "
        f"{shipped_dir('terms')}/django.yaml (django); a name or alias may belong to one term "
        "only; pass --slug to import it under another name"
    )


def test_invalid_slug(import_into, isolated_home):
    failure = failed(import_into(str(FIXTURES / "deno.txt"), slug="Deno!"), isolated_home)
    assert failure.message == f"{FIXTURES / 'deno.txt'}: 'Deno!' is not a valid slug; pass --slug"


def test_a_slug_names_one_source(import_into):
    with pytest.raises(GlossaryError, match="a slug names one term"):
        import_into("a.txt", "b.txt", slug="x")
    assert import_into().outcomes == ()


# -- sourcer terms import: output and exit status ---------------------------------------------


def test_html_page_round_trips(run, http, isolated_home):
    http.get(URL, body=IDRIS_HTML, content_type="text/html; charset=utf-8")
    result = run("terms", "import", URL)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    path = isolated_home / "terms" / "idris.yaml"
    assert result.stdout == f"{path}\n"
    text = path.read_text(encoding="utf-8")
    assert text.startswith(f"# Imported by sourcer {__version__} from {URL} on ")
    assert "# TODO curate: how candidates write this skill" in text
    assert "window.analytics" not in text and "Pricing" not in text, "site chrome is dropped"
    assert "\u2019" not in text and "\u201c" not in text, "typography is straightened"

    lint = run("terms", "lint")
    assert lint.exit_code == 0, lint.stdout

    shown = json.loads(run("terms", "show", "idris", "--json").stdout)
    assert shown["name"] == "Idris"
    assert shown["category"] == "Software Development"
    assert shown["titles"] == {
        "typical": "Idris Developer",
        "also_try": [
            "Functional Programmer",
            "Software Engineer",
            "Backend Engineer",
            "Scala Developer",
            "Quantitative Developer",
        ],
    }
    assert shown["similar"] == ["scala", "elixir"], "Agda is not in the library"
    assert "# TODO curate: not in the library yet: Agda" in text
    assert shown["levels"]["junior"] == {
        "years": "0-2",
        "indicators": ["Writes small programs and exercises", "Reads type signatures confidently"],
        "keywords": [],
    }
    assert [q["level"] for q in shown["interview"]] == ["senior", "mid", "junior"]
    assert shown["interview"][1]["question"] == "What is a monad, in plain words?"
    assert shown["red_flags"][0] == "Only knows Idris from tutorials"
    assert shown["resume_examples"][1] == (
        "Cut production incidents by modelling payment states in Idris's type system"
    )
    assert shown["sources"] == [URL]

    query = run("query", "idris", "--board", "linkedin")
    assert query.exit_code == 0
    assert query.stdout.startswith("Idris NOT (recruiter OR")
    strict = run("query", "idris", "--board", "linkedin", "--mode", "strict")
    # strict mode requires role words; "Functional Programmer" is covered by "programmer"
    assert "AND (engineer OR developer OR programmer OR" in strict.stdout


def test_local_files(run, isolated_home, tmp_path):
    out = tmp_path / "team"
    result = run(
        "terms",
        "import",
        str(FIXTURES / "idris.html"),
        str(FIXTURES / "deno.txt"),
        "--out",
        str(out),
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"{out / 'idris.yaml'}\n{out / 'deno.yaml'}\n"
    assert sorted(p.name for p in out.iterdir()) == ["deno.yaml", "idris.yaml"]
    assert run("--terms-dir", str(out), "terms", "lint", str(out)).exit_code == 0


def test_dry_run_writes_nothing(run, http, isolated_home):
    http.get(URL, body=IDRIS_HTML, content_type="text/html")
    result = run("terms", "import", URL, "--dry-run")
    assert result.exit_code == 0
    assert result.stdout.startswith("# Imported by sourcer")
    assert 'name: "Idris"' in result.stdout
    assert user_terms(isolated_home) == []


def test_dry_run_of_several_separates_the_files(run, isolated_home):
    sources = [str(FIXTURES / "deno.txt"), str(FIXTURES / "idris.html")]
    result = run("terms", "import", *sources, "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("---\n# Imported by sourcer")
    assert result.stdout.count("---\n# Imported by sourcer") == 2
    assert result.stderr == ""
    assert user_terms(isolated_home) == []


def cli_failure(run, isolated_home, *args):
    result = run("terms", "import", *args)
    assert result.exit_code == 1
    assert user_terms(isolated_home) == [], "nothing is written on failure"
    return result


def test_404_exit_status_and_stderr(run, http, isolated_home):
    http.get(URL, status=404)
    result = cli_failure(run, isolated_home, URL)
    assert result.stdout == ""
    assert (
        result.stderr
        == f"failed: {URL}: HTTP 404 Not Found\nError: 1 of 1 source failed; nothing was written\n"
    )


def test_only_http_and_https_on_the_command_line(run, isolated_home):
    result = cli_failure(run, isolated_home, "file:///etc/passwd")
    assert result.stderr == (
        "failed: file:///etc/passwd: only http and https are fetched (this is file:)\n"
        "Error: 1 of 1 source failed; nothing was written\n"
    )


def test_one_failure_does_not_stop_the_others_on_the_command_line(
    run, http, isolated_home, tmp_path
):
    http.get(URL, body=IDRIS_HTML, content_type="text/html")
    http.get("https://glossary.example.com/missing", status=404)
    listing = tmp_path / "pages.txt"
    listing.write_text(
        f"# team glossary\n{URL}\n\nhttps://glossary.example.com/missing\n{FIXTURES / 'deno.txt'}\n"
    )
    result = run("terms", "import", "--from-file", str(listing))
    assert result.exit_code == 1
    assert user_terms(isolated_home) == ["deno.yaml", "idris.yaml"]
    terms = isolated_home / "terms"
    assert result.stdout == f"{terms / 'idris.yaml'}\n{terms / 'deno.yaml'}\n"
    assert result.stderr.endswith(
        "failed: https://glossary.example.com/missing: HTTP 404 Not Found\n"
        "Error: 1 of 3 sources failed; 2 imported\n"
    )


def test_never_overwrites_without_force_on_the_command_line(run, isolated_home):
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


def test_name_claimed_by_another_term_on_the_command_line(run, isolated_home, tmp_path):
    page = tmp_path / "django.txt"
    page.write_text(DENO_TEXT.replace("Deno", "Django"))
    result = cli_failure(run, isolated_home, str(page), "--slug", "django-web")
    assert "is also claimed by" in result.stderr
    assert "pass --slug to import it under another name" in result.stderr


def test_overriding_a_shipped_term_is_noted(run, isolated_home, tmp_path):
    page = tmp_path / "django.txt"
    page.write_text(DENO_TEXT.replace("Deno", "Django"))
    result = run("terms", "import", str(page))
    assert result.exit_code == 0
    path = isolated_home / "terms" / "django.yaml"
    assert result.stdout == f"{path}\n"
    assert result.stderr == f"note: {path} overrides builtin term 'django'\n"


def test_usage_errors(run):
    assert run("terms", "import").exit_code == 2
    assert run("terms", "import", "a.txt", "b.txt", "--slug", "x").exit_code == 2


# -- odd answers from a glossary server --------------------------------------------------------


def test_a_non_ascii_redirect_is_percent_encoded_and_cited_safely(import_into, http):
    import re

    # UTF-8 bytes of café, NEL and a YAML line, as the header reaches requests (Latin-1)
    target = "https://glossary.example.com/café\x85keywords: [evil]"
    latin1 = target.encode("utf-8").decode("latin-1")
    http.get(URL, status=302, headers={"Location": latin1})
    http.get(
        re.compile(r"https://glossary\.example\.com/caf.*"),
        body=IDRIS_HTML,
        content_type="text/html",
    )
    (imported,) = import_into(URL, dry_run=True).imported
    cited = "https://glossary.example.com/caf%C3%A9%C2%85keywords:%20[evil]"
    data = yamlload.load(imported.yaml, "idris.yaml")
    assert data["sources"] == [cited]
    assert data.get("keywords", []) == []


@pytest.mark.parametrize("charset", ["punycode", "idna", "unicode_escape", "base64", "nope"])
def test_a_charset_that_is_no_page_charset_is_refused(import_into, http, isolated_home, charset):
    http.get(URL, body=b"\xff\xfe<html>", content_type=f"text/html; charset={charset}")
    failure = failed(import_into(URL), isolated_home)
    assert failure.message == f"{URL}: unknown character set {charset!r}"


def test_a_redirect_that_is_not_utf8_is_a_clear_error(import_into, http, isolated_home):
    http.get(URL, status=302, headers={"Location": "https://glossary.example.com/caf\xe9"})
    failure = failed(import_into(URL), isolated_home)
    assert failure.message == (
        f"{URL}: redirected to an address that is not UTF-8 text; "
        "open the page in a browser and import the address it ends at"
    )
