"""The web page's routes, through Flask's test client: every route, the cross-site refusal,
size caps, malformed input and unknown terms. The browser test is tests/test_web_browser.py."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

flask = pytest.importorskip("flask")

from sourcer.web import create_app  # noqa: E402
from sourcer.web.app import CSP, MAX_BODY  # noqa: E402

SAME = {"X-Sourcer": "1"}
POSTING = """Senior Go Engineer

Requirements:
- 5+ years of Go
- Kubernetes in production

Nice to have: Kafka

Berlin, hybrid
"""


def cli_searches(run: Any) -> list[dict[str, Any]]:
    """What the CLI prints for senior Go people in Berlin on LinkedIn and Google."""
    args = ["go", "--level", "senior", "--location", "Berlin", "-b", "linkedin", "-b", "google"]
    return json.loads(run("query", *args, "--json").stdout)  # type: ignore[no-any-return]


@pytest.fixture
def client(isolated_home: Path) -> Any:
    app = create_app(str(isolated_home))
    app.testing = True
    return app.test_client()


def post(client: Any, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json=body, headers=SAME)


# -- pages ----------------------------------------------------------------------------------


def test_the_page_loads_nothing_from_elsewhere(client: Any) -> None:
    response = client.get("/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="term-input"' in html and "/static/app.js" in html
    assert "http://" not in html and "https://" not in html  # no external asset
    assert response.headers["Content-Security-Policy"] == CSP
    assert response.headers["X-Frame-Options"] == "DENY"
    for asset in ("/static/app.js", "/static/app.css"):
        assert client.get(asset).status_code == 200


def test_the_library_marks_user_terms(client: Any, isolated_home: Path) -> None:
    folder = isolated_home / "terms"
    folder.mkdir(parents=True)
    go = (Path(__file__).parent.parent / "terms" / "go.yaml").read_text(encoding="utf-8")
    (folder / "gleam.yaml").write_text(
        go.replace("name: Go\n", "name: Gleam\n").replace("  - Golang\n", "  - Gleam lang\n"),
        encoding="utf-8",
    )
    html = client.get("/library").get_data(as_text=True)
    assert '<a href="/library/go">Go</a>' in html
    row = html[html.index('href="/library/gleam"') :]
    assert row.index('class="badge user"') < row.index("</tr>")
    assert html.count('class="badge user">yours') == 2  # the legend, and Gleam


def test_a_term_page_is_its_brief(client: Any) -> None:
    response = client.get("/library/postgres")
    assert response.status_code == 200
    # its own inline script and style run, by their hashes, and nothing else
    policy = response.headers["Content-Security-Policy"]
    assert policy.startswith("default-src 'none'; script-src 'sha256-")
    assert "style-src 'sha256-" in policy and "unsafe-inline" not in policy
    assert "<h2" in response.get_data(as_text=True) and "PostgreSQL" in response.get_data(
        as_text=True
    )


def test_an_unknown_term_page_says_so(client: Any) -> None:
    response = client.get("/library/postgress")
    assert response.status_code == 404
    assert "unknown term &#39;postgress&#39;. Did you mean: postgresql?" in response.get_data(
        as_text=True
    )


def test_the_brief_downloads_as_html_or_markdown(client: Any) -> None:
    response = client.get("/brief?term=flask&level=senior&format=md")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="brief-flask-senior.md"'
    )
    assert response.get_data(as_text=True).startswith("# ")
    html = client.get("/brief?term=flask&format=html")
    assert html.mimetype == "text/html"
    assert client.get("/brief?format=html").status_code == 400
    assert client.get("/brief?term=flask&format=pdf").json == {"error": "format must be html or md"}
    assert client.get("/brief?term=nosuch").status_code == 400


# -- autocomplete and searches ----------------------------------------------------------------


def test_autocomplete_finds_terms_by_alias_and_title(client: Any) -> None:
    found = client.get("/api/terms?q=golang").json
    assert found[0]["slug"] == "go" and found[0]["matched"] == "alias: Golang"
    by_title = client.get("/api/terms?q=Golang Developer").json
    assert [t["slug"] for t in by_title] == ["go"]
    assert client.get("/api/terms?q=").json == []
    assert len(client.get("/api/terms?q=e").json) == 8


def test_a_search_is_what_the_cli_prints(client: Any, run: Any) -> None:
    body = {
        "must": ["go"],
        "level": "senior",
        "locations": ["Berlin"],
        "boards": ["linkedin", "google"],
    }
    data = post(client, "/api/search", body).json
    assert data["searches"] == cli_searches(run)
    assert data["explain"][0] == "Where this search comes from:"


def test_any_nice_keywords_and_remote_reach_the_search(client: Any, run: Any) -> None:
    body = {"must": ["python"], "any": ["django", "flask"], "nice": ["aws"], "remote": True}
    body |= {"keywords": ["gRPC"], "boards": ["linkedin"], "mode": "strict"}
    data = post(client, "/api/search", body).json
    cli = json.loads(
        run(
            "query", "python", "--any", "django", "--any", "flask", "--nice", "aws",
            "--remote", "--keyword", "gRPC", "--mode", "strict", "--json",
        ).stdout
    )  # fmt: skip
    assert data["searches"] == cli


def test_an_empty_form_searches_nothing(client: Any) -> None:
    assert post(client, "/api/search", {}).json == {"searches": [], "explain": [], "notes": []}


def test_an_unknown_term_is_a_clear_4xx(client: Any) -> None:
    response = post(client, "/api/search", {"must": ["golangg"]})
    assert response.status_code == 400
    assert response.json == {
        "error": "unknown term: 'golangg' (did you mean go? to search it as written: "
        "--keyword golangg)"
    }


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({"must": "go", "level": "expert"}, "unknown level 'expert'; use junior, mid, senior"),
        ({"must": ["go"], "boards": ["myspace"]}, "unknown board 'myspace'"),
        ({"must": [1]}, "must must be a list of text"),
        ({"must": ["go"] * 51}, "must may hold 50 entries of 200 characters at most"),
        ({"keywords": ["x" * 201]}, "keywords may hold 50 entries of 200 characters at most"),
        ({"must": ["go"], "site": "not a site"}, "--site 'not a site' is neither"),
    ],
)
def test_bad_fields_are_named(client: Any, body: dict[str, Any], error: str) -> None:
    response = post(client, "/api/search", body)
    assert response.status_code == 400
    assert response.json["error"].startswith(error)


def test_a_body_that_is_not_json_is_refused(client: Any) -> None:
    response = client.post("/api/search", data="must=go", headers=SAME)
    assert response.status_code == 400
    assert response.json == {"error": "the request must be a JSON object"}


# -- cross-site requests and hosts ------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {},  # a plain cross-site form post carries no custom header
        {"X-Sourcer": "0"},
        {"X-Sourcer": "1", "Origin": "https://evil.example"},
        {"X-Sourcer": "1", "Sec-Fetch-Site": "cross-site"},
        {"X-Sourcer": "1", "Sec-Fetch-Site": "same-site"},
    ],
)
def test_cross_site_requests_are_refused(client: Any, headers: dict[str, str]) -> None:
    for url in ("/api/search", "/api/roles", "/api/lint", "/api/role/from-jd", "/api/outreach"):
        response = client.post(url, json={"must": ["go"]}, headers=headers)
        assert response.status_code == 403, url
        assert response.json == {
            "error": "refused: this request did not come from sourcer's own page"
        }
    assert client.get("/api/roles").json == []


def test_the_same_origin_is_accepted(client: Any) -> None:
    headers = {**SAME, "Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"}
    response = client.post("/api/search", json={"must": ["go"]}, headers=headers)
    assert response.status_code == 200


def test_only_the_servers_own_names_are_answered(client: Any) -> None:
    assert client.get("/", headers={"Host": "127.0.0.1:8765"}).status_code == 200
    # a page on another site whose name now points here (DNS rebinding)
    assert client.get("/", headers={"Host": "attacker.example"}).status_code == 400


def test_a_team_server_names_its_hosts(isolated_home: Path, monkeypatch: Any) -> None:
    monkeypatch.setenv("SOURCER_HOSTS", "sourcer.team.example, other.example")
    client = create_app(str(isolated_home)).test_client()
    assert client.get("/", headers={"Host": "sourcer.team.example"}).status_code == 200
    assert client.get("/", headers={"Host": "attacker.example"}).status_code == 400


# -- roles ------------------------------------------------------------------------------------


def test_a_posting_becomes_a_role(client: Any) -> None:
    data = post(client, "/api/role/from-jd", {"text": POSTING}).json
    assert data["role"] == {
        "title": "Senior Go Engineer",
        "level": "senior",
        "locations": ["Berlin"],
        "remote": "hybrid",
        "must": ["go", "kubernetes"],
        "nice": ["kafka"],
    }
    assert data["summary"].startswith("Read ")


def test_an_empty_posting_is_a_clear_error(client: Any) -> None:
    response = post(client, "/api/role/from-jd", {"text": "  \n"})
    assert response.status_code == 400
    assert response.json == {"error": "the posting is empty"}


def test_a_role_is_saved_listed_and_reopened(client: Any, isolated_home: Path) -> None:
    role = {"must": ["go"], "level": "senior", "locations": ["Berlin"], "nice": [], "any": []}
    saved = post(client, "/api/roles", {"name": "go-berlin", "role": role})
    assert saved.status_code == 200
    path = isolated_home / "roles" / "go-berlin.yaml"
    assert path.read_text(encoding="utf-8").startswith("version: 1\n")
    assert client.get("/api/roles").json == [{"name": "go-berlin"}]
    reopened = client.get("/api/roles/go-berlin").json
    assert reopened == {
        "name": "go-berlin",
        "role": {"level": "senior", "locations": ["Berlin"], "must": ["go"]},
    }
    again = post(client, "/api/roles", {"name": "go-berlin", "role": {"must": ["rust"]}})
    assert again.status_code == 409
    assert again.json == {
        "error": "a role named 'go-berlin' is saved already; tick replace to overwrite it"
    }
    assert "go" in path.read_text(encoding="utf-8")
    replaced = post(
        client, "/api/roles", {"name": "go-berlin", "role": {"must": ["rust"]}, "replace": True}
    )
    assert replaced.status_code == 200
    assert "- rust" in path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("body", "status", "error"),
    [
        ({"name": "../escape", "role": {"must": ["go"]}}, 400, "a role's name is lowercase"),
        ({"name": "ok", "role": "go"}, 400, "role must be an object of role fields"),
        ({"name": "ok", "role": {"must": ["golangg"]}}, 400, "unknown term 'golangg'"),
        ({"name": "ok", "role": {"must": ["go"], "level": "guru"}}, 400, "level: 'guru' is not"),
    ],
)
def test_a_bad_role_is_not_saved(
    client: Any, isolated_home: Path, body: dict[str, Any], status: int, error: str
) -> None:
    response = post(client, "/api/roles", body)
    assert response.status_code == status
    assert error in response.json["error"]
    assert not (isolated_home / "roles").exists() or not any((isolated_home / "roles").iterdir())


def test_an_unknown_saved_role_is_a_404(client: Any) -> None:
    response = client.get("/api/roles/nothing-here")
    assert response.status_code == 404
    assert response.json == {"error": "no saved role named 'nothing-here'"}


# -- lint and convert -------------------------------------------------------------------------


def test_lint_shows_each_finding_at_its_column(client: Any) -> None:
    data = post(client, "/api/lint", {"text": '"Flask" and (python OR django', "board": "linkedin"})
    findings = {f["code"]: f["column"] for f in data.json["findings"]}
    assert findings["lowercase-operator"] == 9
    assert findings["unclosed-paren"] == 13
    assert data.json["explain"][0].startswith("LinkedIn people search reads:")
    assert data.json["searches"][0]["query"] == '"Flask" AND (python OR django)'


def test_convert_rewrites_for_another_board(client: Any) -> None:
    body = {"text": "python AND NOT django", "board": "linkedin", "to": "google"}
    data = post(client, "/api/lint", body).json
    assert [s["query"] for s in data["searches"]] == ["python -django"]


def test_an_overlong_string_is_refused(client: Any) -> None:
    response = post(client, "/api/lint", {"text": "a " * 60_000, "board": "linkedin"})
    assert response.status_code == 400
    assert response.json == {"error": "a search string may be 100,000 characters at most"}


# -- outreach ---------------------------------------------------------------------------------

SENDER = {"sender_name": "Sam Reyes", "sender_company": "Acme", "sender_email": "sam@acme.example"}


def outreach(client: Any, csv: bytes, **form: str) -> Any:
    data: dict[str, Any] = {"template": "connection-note", "terms": "go", **SENDER, **form}
    data["csv"] = (io.BytesIO(csv), "people.csv")
    return client.post("/api/outreach", data=data, headers=SAME, content_type="multipart/form-data")


def test_outreach_previews_each_row(client: Any) -> None:
    response = outreach(client, b"first_name,company\nAda,Parcelwise\nLin,Hexa\n")
    assert response.status_code == 200
    messages = response.json["messages"]
    assert [m["row"] for m in messages] == [2, 3]
    assert messages[0]["body"].startswith("Hi Ada, I'm Sam Reyes.")
    assert all(m["length"]["body"] <= 200 for m in messages)


def test_a_preview_shows_the_first_hundred_of_many(client: Any) -> None:
    rows = "".join(f"P{n},Co{n}\n" for n in range(250))
    response = outreach(client, ("first_name,company\n" + rows).encode())
    assert response.status_code == 200
    assert response.json["total"] == 250
    assert [m["row"] for m in response.json["messages"]] == list(range(2, 102))


def test_outreach_downloads_a_csv_safe_for_spreadsheets(client: Any) -> None:
    response = outreach(client, b"first_name,company\n=HYPERLINK(1),Parcelwise\n", format="csv")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="connection-note-messages.csv"'
    )
    assert "\n2,'=HYPERLINK(1),Parcelwise," in response.get_data(as_text=True)


def test_outreach_downloads_a_zip_of_email_drafts(client: Any) -> None:
    csv = b"first_name,email,company\nAda,ada@example.com,Parcelwise\n"
    response = outreach(client, csv, format="eml", template="email")
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        names = archive.namelist()
        assert names == ["002-ada.eml"]
        draft = archive.read(names[0]).decode("utf-8")
    assert "To: Ada <ada@example.com>" in draft and "From: Sam Reyes <sam@acme.example>" in draft


def test_a_malformed_csv_names_its_row(client: Any) -> None:
    response = outreach(client, b'first_name,company\n"Ada,Parcelwise\n')
    assert response.status_code == 400
    assert response.json["error"].startswith('people.csv:2: a quote (") opened in this row')


def test_a_row_that_fails_is_listed_and_nothing_is_made(client: Any) -> None:
    response = outreach(client, b"first_name,company\nAda,Parcelwise\n", sender_name="")
    assert response.status_code == 400
    assert response.json["error"] == "1 row(s) failed; nothing was made"
    assert "sender.name is not set" in response.json["failures"][0]


def test_an_oversized_upload_is_refused(client: Any) -> None:
    response = outreach(client, b"first_name\n" + b"x" * (MAX_BODY + 1))
    assert response.status_code == 413
    assert response.json == {"error": "refused: the upload is larger than 10 MB"}


def test_outreach_needs_a_csv_and_a_known_format(client: Any) -> None:
    assert outreach(client, b"  ").json == {
        "error": "upload a CSV file (or paste its text) with a row per person"
    }
    assert outreach(client, b"a\nb\n", format="pdf").json == {
        "error": "format must be json, csv or eml"
    }
    assert client.get("/api/templates").json[0] == {"name": "connection-note", "origin": "builtin"}


def test_an_unknown_api_address_is_json(client: Any) -> None:
    response = client.get("/api/nothing")
    assert response.status_code == 404
    assert response.json == {"error": "no such address: /api/nothing"}


# -- start-up ---------------------------------------------------------------------------------


def test_query_never_imports_the_web_layer() -> None:
    code = (
        "import sys; from sourcer.cli import main; sys.argv = ['sourcer', 'query', 'go'];\n"
        "try: main()\nexcept SystemExit: pass\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'werkzeug')"
        " or m.startswith('sourcer.web')), file=sys.stderr)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stderr.strip().splitlines()[-1] == "[]"


def test_serve_help_teaches_both_ways_to_run(run: Any) -> None:
    text = run("serve", "--help").stdout
    assert "--host" in text and "--port" in text and "--open" in text
    assert "gunicorn" in text and "SOURCER_HOSTS" in text


def serve(*args: str, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "sourcer", "serve", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def test_serve_answers_on_loopback_and_stops_on_ctrl_c(isolated_home: Path) -> None:
    import os
    import signal
    import urllib.request

    env = {**os.environ, "SOURCER_HOME": str(isolated_home)}
    process = serve("--port", "0", env=env)
    try:
        assert process.stderr is not None
        line = process.stderr.readline()
        assert line.startswith("sourcer is serving http://127.0.0.1:"), line
        url = line.split()[3]
        with urllib.request.urlopen(url, timeout=10) as response:
            assert response.status == 200
            assert b'id="term-input"' in response.read()
    finally:
        process.send_signal(signal.SIGINT)
        _, rest = process.communicate(timeout=10)
    assert process.returncode == 0
    assert rest.endswith("stopped\n")
    assert '"GET / HTTP/1.1" 200' in rest  # the access log, on stderr


def test_serve_warns_off_loopback_and_names_a_busy_port(isolated_home: Path) -> None:
    import os
    import signal
    import socket

    env = {**os.environ, "SOURCER_HOME": str(isolated_home)}
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = str(busy.getsockname()[1])
        taken = subprocess.run(
            [sys.executable, "-m", "sourcer", "serve", "--port", port],
            capture_output=True,
            text=True,
            env=env,
            timeout=30,
        )
    assert taken.returncode == 1
    assert taken.stderr == (
        f"Error: port {port} is already in use on 127.0.0.1; pass another with --port\n"
    )
    process = serve("--host", "0.0.0.0", "--port", "0", env=env)
    try:
        assert process.stderr is not None
        warning = process.stderr.readline()
        assert warning == (
            "warning: listening on 0.0.0.0: other machines can reach this page and use your "
            "library; keep it behind your network's access rules\n"
        )
        line = process.stderr.readline()
        name = socket.gethostname()
        assert line.startswith(f"sourcer is serving http://{name}:"), line
        port = line.split()[3].rsplit(":", 1)[1].rstrip("/")

        def status(host: str) -> int:
            with socket.create_connection(("127.0.0.1", int(port)), timeout=10) as conn:
                conn.sendall(f"GET / HTTP/1.0\r\nHost: {host}:{port}\r\n\r\n".encode())
                return int(conn.recv(64).split()[1])

        assert status(name) == 200  # the machine's own name, as other machines use it
        assert status("attacker.example") == 400  # any other name: DNS rebinding
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=10)


def test_a_body_nested_too_deeply_is_refused(client: Any) -> None:
    response = client.post(
        "/api/search", data="[" * 200_000, headers={**SAME, "Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json == {"error": "the request nests lists or objects too deeply"}


def test_an_unexpected_error_is_one_line_not_a_trace(
    isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sourcer.query.plan

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(sourcer.query.plan, "plan_searches", broken)
    client = create_app(str(isolated_home)).test_client()  # not testing: errors are handled
    response = post(client, "/api/search", {"must": ["go"]})
    assert response.status_code == 500
    assert response.json == {
        "error": "sourcer hit an unexpected error (RuntimeError); nothing was changed, and "
        "the server's log has the details"
    }


def test_one_of_groups_stay_apart(client: Any) -> None:
    # a role may hold several one-of groups: each stays its own OR
    body = {"must": ["go"], "any": [["postgresql", "mysql"], ["aws", "gcp"]]}
    query = post(client, "/api/search", body).json["searches"][0]["query"]
    assert "(PostgreSQL OR Postgres OR MySQL" in query and "(AWS OR" in query


def test_nice_alone_says_what_is_missing(client: Any) -> None:
    data = post(client, "/api/search", {"nice": ["kafka"]}).json
    assert data == {
        "searches": [],
        "explain": [],
        "notes": ["Mark at least one skill must or any (nice ones only narrow a search)."],
    }


def test_outreach_bounds_the_work_of_one_request(client: Any) -> None:
    many = b"first_name,company\n" + b"Ada,Co\n" * 10_001
    response = outreach(client, many)
    assert response.status_code == 400
    assert response.json == {
        "error": "the page takes a CSV of 10,000 rows and 2 MB at most; for more, run: "
        "sourcer outreach render --csv FILE --out FOLDER"
    }
    failing = outreach(client, b"first_name,company\n" + b"Ada,Co\n" * 150, sender_name="")
    assert failing.json["error"] == "150 row(s) failed; nothing was made (the first 100 are listed)"
    assert len(failing.json["failures"]) == 100


def test_a_pasted_csv_may_be_larger_than_a_form_field_usually_is(client: Any) -> None:
    rows = "".join(f"Person{n},Company{n}\n" for n in range(8_000))  # about 170 KB
    text = "first_name,company\n" + rows * 4  # 32,000 lines: over the row bound, under 2 MB
    data = {"template": "connection-note", "terms": "go", **SENDER, "csv_text": text[:900_000]}
    response = client.post("/api/outreach", data=data, headers=SAME)
    assert response.status_code == 400
    assert response.json["error"].startswith("the page takes a CSV of 10,000 rows")


def test_a_long_posting_is_refused(client: Any) -> None:
    response = post(client, "/api/role/from-jd", {"text": "Go developer. " * 20_000})
    assert response.status_code == 400
    assert response.json == {"error": "a posting may be 200,000 characters at most"}


def test_the_same_host_behind_a_tls_proxy_is_the_same_origin(client: Any) -> None:
    headers = {**SAME, "Origin": "https://localhost", "Host": "localhost"}
    assert client.post("/api/search", json={"must": ["go"]}, headers=headers).status_code == 200


def test_a_term_added_while_the_server_runs_is_found(client: Any, isolated_home: Path) -> None:
    assert client.get("/api/terms?q=gleam").json == []
    folder = isolated_home / "terms"
    folder.mkdir(parents=True, exist_ok=True)
    go = (Path(__file__).parent.parent / "terms" / "go.yaml").read_text(encoding="utf-8")
    (folder / "gleam.yaml").write_text(
        go.replace("name: Go\n", "name: Gleam\n").replace("  - Golang\n", "  - Gleam lang\n"),
        encoding="utf-8",
    )
    assert [t["slug"] for t in client.get("/api/terms?q=gleam").json] == ["gleam"]
    assert 'href="/library/gleam"' in client.get("/library").get_data(as_text=True)


def test_serve_without_the_web_extra_says_how_to_get_it() -> None:
    code = (
        "import sys; sys.modules['flask'] = None\n"
        "from sourcer.cli import main; sys.argv = ['sourcer', 'serve']; main()"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stderr == "Error: sourcer serve needs the web extra: pip install 'sourcer[web]'\n"
