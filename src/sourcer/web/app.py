"""The Flask application: one page, a JSON API behind it, and the library's pages.

Every route turns a request into the arguments of a core function and its result into JSON
or a page; the rules live in the core (see the package docstring).

Safety, by default:

- state-changing requests (every POST) must carry the ``X-Sourcer`` header, which a
  cross-site form cannot send and a cross-site script cannot send without a CORS approval
  this server never gives; an ``Origin`` or ``Sec-Fetch-Site`` that says another site is
  refused as well;
- only the hosts the server was started for are answered (``TRUSTED_HOSTS``; loopback names
  by default), which defeats DNS rebinding;
- request bodies are capped (10 MB, the posting and page cap of the CLI); uploads are read by
  the CLI's own strict readers;
- templates are autoescaped, the page loads nothing from outside the server, and a
  Content-Security-Policy says so to the browser;
- role files are written all-or-nothing and never over an existing file unless asked.
"""

from __future__ import annotations

import contextlib
import io
import os
import tempfile
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from typing import Any

from flask import Flask, Response, abort, jsonify, render_template, request

from sourcer.cli.common import App
from sourcer.errors import FileExists, SourcerError, UnknownTermError
from sourcer.library.schema import SLUG_RE, Term
from sourcer.library.store import Library
from sourcer.query.boards import BOARDS, DEFAULT_SITE
from sourcer.query.parse import MAX_LENGTH
from sourcer.query.recipe import MODES, Options

#: the largest request body: a posting, a page or a CSV (the CLI's cap for postings)
MAX_BODY = 10_000_000
#: the header every state-changing request must carry
CSRF_HEADER = "X-Sourcer"
#: the names of this machine that a loopback server answers to
LOOPBACK = ("127.0.0.1", "localhost", "::1", "[::1]")
LEVELS = ("junior", "mid", "senior")
#: a form's lists (skills, places, keywords ...) hold at most this many entries, each at
#: most this long: far beyond any search, and a bound on the work one request asks for
MOST_ITEMS, LONGEST_ITEM = 50, 200
#: the page's outreach takes CSVs this small (the CLI takes any size, streamed)
MAX_CSV, MAX_ROWS = 2_000_000, 10_000
#: a pasted posting's length (a long real one is 20,000 characters)
MAX_POSTING = 200_000
#: messages (and warnings) a preview shows; the downloads hold every one
PREVIEW = 100
#: who sends the messages, as the page asks (the config file's sender is the default)
SENDER_FIELDS = ("name", "title", "company", "email")
#: the Content-Security-Policy of every response: nothing from elsewhere, no inline script
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


class BadRequest(SourcerError):
    """A request the page should not have sent: a missing or malformed field."""


def create_app(
    home: str | None = None,
    *,
    terms_dirs: Sequence[str] = (),
    hosts: Sequence[str] | None = None,
) -> Flask:
    """The web application over the library in ``home`` (default: ``$SOURCER_HOME`` or the
    platform's folder, as the CLI), with extra term folders layered on top.

    ``hosts`` are the host names it answers to; by default those in ``$SOURCER_HOSTS``
    (comma-separated) and the loopback names.
    """
    context = App(terms_dirs=tuple(terms_dirs), home_root=home)
    app = Flask(__name__, static_folder="static", template_folder="templates")
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY
    app.config["MAX_FORM_MEMORY_SIZE"] = MAX_BODY  # a pasted CSV is a form field
    app.config["TRUSTED_HOSTS"] = list(hosts) if hosts is not None else trusted_hosts()
    app.json.sort_keys = False  # type: ignore[attr-defined]  # keys in the order built
    app.extensions["sourcer"] = context
    fresh = _Fresh(context)
    suggestions = _Suggestions(fresh)

    @app.after_request
    def headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers.setdefault("Cache-Control", "no-store")
        return response

    @app.before_request
    def same_site_only() -> Response | None:
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return None
        fetch_site = request.headers.get("Sec-Fetch-Site", "same-origin")
        origin = request.headers.get("Origin")
        if (
            request.headers.get(CSRF_HEADER) != "1"
            or fetch_site not in ("same-origin", "none")
            or (origin is not None and _host_of(origin) != request.host.lower())
        ):
            return _error("refused: this request did not come from sourcer's own page", 403)
        return None

    @app.errorhandler(SourcerError)
    def sourcer_error(err: SourcerError) -> Response:
        status = (
            404
            if isinstance(err, UnknownTermError)
            else 409
            if isinstance(err, FileExists)
            else 400
        )
        return _error(str(err), status)

    @app.errorhandler(413)
    def too_large(err: Exception) -> Response:
        return _error(f"refused: the upload is larger than {MAX_BODY // 1_000_000} MB", 413)

    @app.errorhandler(500)
    def unexpected(err: Exception) -> Response | tuple[str, int]:
        # A bug, never the user's mistake: one line for the page; the log has the trace.
        original = getattr(err, "original_exception", None) or err
        message = (
            f"sourcer hit an unexpected error ({type(original).__name__}); nothing was "
            "changed, and the server's log has the details"
        )
        if request.path.startswith("/api/"):
            return _error(message, 500)
        return render_template("web/error.html", title="Something went wrong", message=message), 500

    @app.errorhandler(404)
    def not_found(err: Exception) -> Response | tuple[str, int]:
        if request.path.startswith("/api/"):
            return _error(f"no such address: {request.path}", 404)
        return render_template("web/error.html", message=getattr(err, "description", "")), 404

    # -- pages ----------------------------------------------------------------------------

    @app.get("/")
    def index() -> str:
        return render_template(
            "web/index.html",
            boards=[(slug, board.name, board.searches) for slug, board in BOARDS.items()],
            levels=LEVELS,
            modes=MODES,
            templates=sorted(_templates(context).names()),
        )

    @app.get("/library")
    def library_page() -> str:
        entries = sorted(fresh.library().entries().values(), key=lambda e: (e.category, e.name))
        return render_template("web/library.html", entries=entries)

    @app.get("/library/<slug>")
    def term_page(slug: str) -> Response:
        try:
            term = fresh.library().get(slug)
        except UnknownTermError as err:
            abort(404, description=str(err))
        return _brief_response([term], None, "html", download=False)

    @app.get("/brief")
    def brief_download() -> Response:
        names = request.args.getlist("term")
        if not names:
            raise BadRequest("name at least one term (?term=go)")
        if len(names) > MOST_ITEMS:
            raise BadRequest(f"a brief covers {MOST_ITEMS} terms at most")
        fmt = request.args.get("format", "html")
        if fmt not in ("html", "md"):
            raise BadRequest("format must be html or md")
        from sourcer.query.plan import load_terms

        (terms,) = load_terms(fresh.library(), names)
        level = _choice(request.args.get("level"), LEVELS, "level")
        return _brief_response(terms, level, fmt, download=True)

    def _brief_response(
        terms: list[Term], level: str | None, fmt: str, *, download: bool
    ) -> Response:
        from sourcer.brief import make_brief

        text = make_brief(
            fresh.library(),
            terms,
            level=level,
            boards=sorted(BOARDS, key=lambda slug: BOARDS[slug].searches == "job postings"),
            site=DEFAULT_SITE,
            fmt="html" if fmt == "html" else "md",
            cache_dir=context.home.cache,
        )
        mimetype = "text/html" if fmt == "html" else "text/markdown"
        response = Response(text, mimetype=mimetype)
        if fmt == "html":
            response.headers["Content-Security-Policy"] = page_policy(text)
        if download:
            name = "-".join(t.slug for t in terms) + (f"-{level}" if level else "")
            response.headers["Content-Disposition"] = f'attachment; filename="brief-{name}.{fmt}"'
        return response

    # -- the library ----------------------------------------------------------------------

    @app.get("/api/terms")
    def terms() -> Response:
        return jsonify(suggestions.find(request.args.get("q", "")))

    # -- searches -------------------------------------------------------------------------

    @app.post("/api/search")
    def search() -> Response:
        from sourcer.query.plan import load_terms, plan_searches, refuse_placeholders

        data = _body()
        library = fresh.library()
        must, *groups, nice = load_terms(
            library, _texts(data, "must"), *_groups(data, "any"), _texts(data, "nice")
        )
        groups = [group for group in groups if group]
        refuse_placeholders([*must, *(t for g in groups for t in g), *nice])
        options = Options(
            level=_choice(data.get("level"), LEVELS, "level"),
            mode=_choice(data.get("mode"), MODES, "mode"),  # type: ignore[arg-type]
            locations=tuple(_texts(data, "locations")),
            remote=bool(data.get("remote")),
            keywords=tuple(_texts(data, "keywords")),
            excludes=tuple(_texts(data, "exclude")),
            extra_titles=tuple(_texts(data, "titles")),
            site=_site(_text(data, "site")),
        )
        boards = _boards(data)
        if not must and not groups and not options.keywords:
            wanted = ["Mark at least one skill must or any (nice ones only narrow a search)."]
            return jsonify({"searches": [], "explain": [], "notes": wanted if nice else []})
        planned = plan_searches(library, must, groups, nice, options, boards, explain=True)
        return jsonify(
            {
                "searches": [s.to_dict() for s in planned.searches],
                "explain": planned.explain,
                "notes": [*planned.skipped, *planned.notes],
            }
        )

    # -- roles ----------------------------------------------------------------------------

    @app.post("/api/role/from-jd")
    def from_jd() -> Response:
        from sourcer.cli.role_cmd import summary
        from sourcer.roles.jd import read_posting

        data = _body()
        text = _text(data, "text", most=(MAX_POSTING, "a posting"))
        html = data.get("html")
        library = fresh.library()
        found = read_posting(
            text,
            [library.get(slug) for slug in library.entries()],
            html=html if isinstance(html, bool) else None,
        ).check()
        return jsonify(
            {
                "role": _role_dict(found.role),
                "evidence": found.evidence,
                "unknown": list(found.unknown),
                "summary": summary(found.role, found.lines),
            }
        )

    @app.get("/api/roles")
    def roles() -> Response:
        folder = context.home.roles
        names = sorted(
            name[:-5]
            for name in (os.listdir(folder) if os.path.isdir(folder) else [])
            if name.endswith(".yaml") and SLUG_RE.match(name[:-5])
        )
        return jsonify([{"name": name} for name in names])

    @app.get("/api/roles/<name>")
    def role(name: str) -> Response:
        from sourcer.cli.role_cmd import known
        from sourcer.roles.schema import read_role

        path = _role_path(name)
        if not os.path.isfile(path):
            return _error(f"no saved role named {name!r}", 404)
        return jsonify({"name": name, "role": _role_dict(read_role(path, known(context)))})

    @app.post("/api/roles")
    def save_role() -> Response:
        import yaml

        from sourcer.cli.role_cmd import known
        from sourcer.fsutil import write_atomic
        from sourcer.roles.schema import VERSION, check_role_text, role_yaml

        data = _body()
        name = _text(data, "name").strip()
        path = _role_path(name)
        fields = data.get("role")
        if not isinstance(fields, dict):
            raise BadRequest("role must be an object of role fields")
        draft = yaml.safe_dump({"version": VERSION, **_without_blanks(fields)}, sort_keys=False)
        role, problems = check_role_text(draft, f"{name}.yaml", known(context))
        errors = [p for p in problems if p.severity == "error"]
        if role is None or errors:
            return _error("; ".join(p.message for p in errors or problems), 400)
        os.makedirs(context.home.roles, exist_ok=True)
        try:
            write_atomic(path, role_yaml(role), force=bool(data.get("replace")))
        except FileExists:
            return _error(
                f"a role named {name!r} is saved already; tick replace to overwrite it", 409
            )
        return jsonify({"name": name, "path": path, "role": _role_dict(role)})

    def _role_path(name: str) -> str:
        if not SLUG_RE.match(name) or len(name) > 80:
            raise BadRequest(
                f"a role's name is lowercase letters, digits and dashes (like go-berlin), "
                f"not {name[:80]!r}"
            )
        return os.path.join(context.home.roles, f"{name}.yaml")

    # -- lint and convert -----------------------------------------------------------------

    @app.post("/api/lint")
    def lint() -> Response:
        from sourcer.query.lint import convert
        from sourcer.query.lint import explain as reading
        from sourcer.query.lint import lint as check

        data = _body()
        text = _text(data, "text", most=(MAX_LENGTH, "a search string"))
        board = BOARDS[_board(data, "board", "linkedin")]
        target = _text(data, "to")
        result: dict[str, Any] = {"board": board.slug, "explain": reading(text, board)}
        if target:
            converted = convert(text, board, BOARDS[_board(data, "to", "linkedin")])
            result["findings"] = [_finding(d) for d in converted.diagnostics]
            result["searches"] = [s.to_dict() for s in converted.searches]
        else:
            linted = check(text, board)
            result["findings"] = [_finding(d) for d in linted.diagnostics]
            result["searches"] = [s.to_dict() for s in linted.fixed]
        return jsonify(result)

    # -- outreach -------------------------------------------------------------------------

    @app.get("/api/templates")
    def templates() -> Response:
        names = _templates(context).names()
        return jsonify([{"name": name, "origin": origin} for name, (origin, _) in names.items()])

    @app.post("/api/outreach")
    def outreach() -> Response:
        from sourcer.cli.outreach_cmd import message_terms
        from sourcer.outreach.context import parse_assignments

        fmt = request.form.get("format", "json")
        if fmt not in ("json", "csv", "eml"):
            raise BadRequest("format must be json, csv or eml")
        template = request.form.get("template", "")
        if not template:
            raise BadRequest("choose a template")
        names = [n.strip() for n in request.form.get("terms", "").split(",") if n.strip()]
        if len(names) > MOST_ITEMS:
            raise BadRequest(f"a message names {MOST_ITEMS} terms at most")
        term, term_names, stack = message_terms(context, names, None)
        sent_by = [
            f"sender.{key}={value.strip()}"
            for key in SENDER_FIELDS
            if (value := request.form.get(f"sender_{key}", "")).strip()
        ]
        assignments = parse_assignments(sent_by)
        upload = request.files.get("csv")
        raw = upload.read() if upload is not None else request.form.get("csv_text", "").encode()
        if not raw.strip():
            raise BadRequest("upload a CSV file (or paste its text) with a row per person")
        if len(raw) > MAX_CSV or raw.count(b"\n") > MAX_ROWS:
            raise BadRequest(
                f"the page takes a CSV of {MAX_ROWS:,} rows and {MAX_CSV // 1_000_000} MB at "
                "most; for more, run: sourcer outreach render --csv FILE --out FOLDER"
            )
        name = _upload_name(upload.filename if upload else None)
        with tempfile.TemporaryDirectory(prefix="sourcer-web-") as folder:
            path = os.path.join(folder, name)
            try:
                return _merge(path, raw, fmt, template, term, term_names, stack, assignments)
            except SourcerError as err:  # named as the user knows the file, not our copy
                raise BadRequest(str(err).replace(path, name)) from None

    def _merge(
        path: str,
        raw: bytes,
        fmt: str,
        template: str,
        term: Term | None,
        term_names: dict[str, str],
        stack: tuple[str, ...],
        assignments: Any,
    ) -> Response:
        from sourcer.outreach.config import load_config
        from sourcer.outreach.merge import MergeRequest, render_all

        with open(path, "wb") as handle:
            handle.write(raw)
        merge = MergeRequest(
            templates=_templates(context),
            template=template,
            term=term,
            term_names=term_names,
            stack=stack,
            level=_choice(request.form.get("level"), LEVELS, "level"),
            assignments=assignments,
            config=load_config(context.home.config),
            csv_path=path,
            format=fmt,  # type: ignore[arg-type]
        )
        with render_all(merge) as result:
            if result.failures:
                failures = result.failures[:PREVIEW]
                more = len(result.failures) - len(failures)
                return _error(
                    f"{len(result.failures)} row(s) failed; nothing was made"
                    + (f" (the first {len(failures)} are listed)" if more else ""),
                    400,
                    failures=[str(f).replace(path, os.path.basename(path)) for f in failures],
                )
            warnings = [str(w) for w in result.warnings]
            download = "".join(
                c if c.isascii() and (c.isalnum() or c in "._-") else "_" for c in template
            )
            if fmt == "json":
                import json

                messages = json.loads("".join(result.output()))
                return jsonify(
                    {
                        "messages": messages[:PREVIEW],
                        "total": len(messages),
                        "warnings": warnings[:PREVIEW],
                        "notes": result.notes,
                    }
                )
            if fmt == "csv":
                response = Response("".join(result.output()), mimetype="text/csv")
                response.headers["Content-Disposition"] = (
                    f'attachment; filename="{download}-messages.csv"'
                )
                return response
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
                for file_name, text in result.files():
                    archive.writestr(file_name, text)
            response = Response(buffer.getvalue(), mimetype="application/zip")
            response.headers["Content-Disposition"] = (
                f'attachment; filename="{download}-messages.zip"'
            )
            return response

    return app


# -- helpers ------------------------------------------------------------------------------


def page_policy(html: str) -> str:
    """The Content-Security-Policy of a self-contained page (the brief): its own inline
    script and style, by their hashes, and nothing else."""
    import base64
    import hashlib
    import re

    def hashes(tag: str) -> str:
        blocks = re.findall(rf"<{tag}>(.*?)</{tag}>", html, flags=re.DOTALL)
        digests = [base64.b64encode(hashlib.sha256(b.encode()).digest()).decode() for b in blocks]
        return " ".join(f"'sha256-{d}'" for d in digests) or "'none'"

    return (
        f"default-src 'none'; script-src {hashes('script')}; style-src {hashes('style')}; "
        "img-src data:; form-action 'none'; frame-ancestors 'none'; base-uri 'none'"
    )


def _host_of(origin: str) -> str:
    """The host (and port) of an Origin header: ``https://a.example:8765`` -> ``a.example:8765``."""
    from urllib.parse import urlsplit

    return urlsplit(origin).netloc.lower()


def trusted_hosts() -> list[str]:
    """The host names to answer to: ``$SOURCER_HOSTS`` (comma-separated) and loopback."""
    extra = [h.strip() for h in os.environ.get("SOURCER_HOSTS", "").split(",") if h.strip()]
    return [*LOOPBACK, *extra]


def _error(message: str, status: int, **more: Any) -> Response:
    response = jsonify({"error": message, **more})
    response.status_code = status
    return response


def _body() -> dict[str, Any]:
    try:
        data = request.get_json(silent=True)
    except RecursionError:  # the JSON decoder's own depth limit
        raise BadRequest("the request nests lists or objects too deeply") from None
    if not isinstance(data, dict):
        raise BadRequest("the request must be a JSON object")
    return data


def _text(data: dict[str, Any], key: str, most: tuple[int, str] | None = None) -> str:
    """A text field; ``most``: its longest length, and what to call it when it is longer."""
    value = data.get(key, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        raise BadRequest(f"{key} must be text")
    if most is not None and len(value) > most[0]:
        raise BadRequest(f"{most[1]} may be {most[0]:,} characters at most")
    return value


def _texts(data: dict[str, Any], key: str) -> list[str]:
    value = data.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise BadRequest(f"{key} must be a list of text")
    if len(value) > MOST_ITEMS or any(len(v) > LONGEST_ITEM for v in value):
        raise BadRequest(
            f"{key} may hold {MOST_ITEMS} entries of {LONGEST_ITEM} characters at most"
        )
    return [v.strip() for v in value if v.strip()]


def _groups(data: dict[str, Any], key: str) -> list[list[str]]:
    """One-of groups: a list of names is one group, a list of lists several."""
    value = data.get(key, [])
    if isinstance(value, list) and value and all(isinstance(v, list) for v in value):
        if len(value) > MOST_ITEMS:
            raise BadRequest(f"{key} may hold {MOST_ITEMS} groups at most")
        return [_texts({key: group}, key) for group in value]
    return [_texts(data, key)]


def _choice(value: object, choices: Iterable[str], what: str) -> str | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str) or value not in choices:
        raise BadRequest(f"unknown {what} {value!r}; use {', '.join(choices)}")
    return value


def _board(data: dict[str, Any], key: str, default: str) -> str:
    return _choice(data.get(key) or default, BOARDS, "board") or default


def _boards(data: dict[str, Any]) -> list[str]:
    chosen = _texts(data, "boards") or ["linkedin"]
    for slug in chosen:
        _choice(slug, BOARDS, "board")
    return list(dict.fromkeys(chosen))


def _site(site: str) -> str:
    from sourcer.query.search import resolve_site

    if not site.strip():
        return DEFAULT_SITE
    resolve_site(site.strip())  # QueryError says what a site may be
    return site.strip()


def _finding(finding: Any) -> dict[str, Any]:
    return {
        "column": finding.column,
        "severity": finding.severity,
        "code": finding.code,
        "message": finding.message,
        "fix": finding.fix,
    }


def _role_dict(role: Any) -> dict[str, Any]:
    data: dict[str, Any] = role.to_dict()
    data.pop("version", None)
    return data


def _without_blanks(fields: dict[str, Any]) -> dict[str, Any]:
    """A role's fields as the form sends them, without the empty ones."""
    return {key: value for key, value in fields.items() if value not in (None, "", [], {})}


def _upload_name(name: str | None) -> str:
    """A safe local name for an uploaded CSV (its own name, for the messages that name it)."""
    base = os.path.basename((name or "").replace("\\", "/"))
    cleaned = "".join(c for c in unicodedata.normalize("NFKC", base) if c.isalnum() or c in "._-")
    return cleaned if cleaned.endswith(".csv") and len(cleaned) <= 100 else "people.csv"


def _templates(context: App) -> Any:
    from sourcer.home import builtin_templates
    from sourcer.outreach.templates import Templates

    return Templates(
        [("builtin", builtin_templates("outreach")), ("user", context.home.templates)],
        cache_dir=context.home.cache,
    )


class _Fresh:
    """The library as its folders are now: a server runs for days while people add and edit
    term files, so a changed folder means a new index (a few stats per request)."""

    def __init__(self, context: App) -> None:
        self.context = context
        self._stamp: tuple[tuple[float, int], ...] = ()

    def library(self) -> Library:
        stamp = tuple(_stamp_of(layer.path) for layer in self.context.layers())
        if stamp != self._stamp:
            self.context.forget_library()
            self._stamp = stamp
        return self.context.library


def _stamp_of(folder: str) -> tuple[float, int]:
    try:
        info = os.stat(folder)
    except OSError:
        return (0.0, 0)
    # a file edited in place changes no folder time: count the newest file time as well
    newest = 0.0
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.name.endswith(".yaml"):
                with contextlib.suppress(OSError):
                    newest = max(newest, entry.stat().st_mtime)
    return (max(info.st_mtime, newest), info.st_nlink)


class _Suggestions:
    """Autocomplete over the library: by slug, name, alias and job title."""

    def __init__(self, fresh: _Fresh) -> None:
        self.fresh = fresh
        self._rows: list[tuple[str, str, str, str, list[tuple[str, str]]]] | None = None
        self._library: Library | None = None

    def rows(self) -> list[tuple[str, str, str, str, list[tuple[str, str]]]]:
        library = self.fresh.library()
        if self._rows is None or library is not self._library:
            rows = []
            for slug, entry in library.entries().items():
                term = library.find(slug)
                words = [("alias", a) for a in entry.aliases]
                if term is not None:
                    titles = (term.titles.typical, *term.titles.also_try)
                    words += [("title", t) for t in titles]
                rows.append((slug, entry.name, entry.category, entry.origin, words))
            self._rows, self._library = rows, library
        return self._rows

    def find(self, query: str, limit: int = 8) -> list[dict[str, str]]:
        wanted = _fold(query.strip())[:200]
        if not wanted:
            return []
        scored = []
        for slug, name, category, origin, words in self.rows():
            best, matched = 0, ""
            for kind, word in (("slug", slug), ("name", name), *words):
                folded = _fold(word)
                score = (
                    (6 if folded == wanted else 4 if folded.startswith(wanted) else 1)
                    if wanted in folded
                    else 0
                )
                if kind == "title":
                    score = min(score, 2)  # a title names people of many terms
                if score > best:
                    best, matched = score, "" if kind in ("slug", "name") else f"{kind}: {word}"
            if best:
                scored.append((-best, name.casefold(), slug, name, category, origin, matched))
        scored.sort()
        return [
            {"slug": slug, "name": name, "category": category, "origin": origin, "matched": matched}
            for _, _, slug, name, category, origin, matched in scored[:limit]
        ]


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))
