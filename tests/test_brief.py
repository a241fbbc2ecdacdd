"""The recruiter brief: golden Markdown, escaping, and the HTML page in a real browser."""

from __future__ import annotations

import json
import os
import shutil

import click
import pytest
from bs4 import BeautifulSoup

from tests.conftest import REPO, check_golden

ARTIFACTS = REPO / "tests" / "artifacts"
CHROMIUM = "/usr/bin/chromium"


@pytest.mark.parametrize("level", ["junior", "mid", "senior", None])
def test_golden_markdown_for_flask(run, level):
    args = ["brief", "flask"] + (["--level", level] if level else [])
    result = run(*args)
    assert result.exit_code == 0, result.stderr
    check_golden(f"brief/flask-{level or 'all-levels'}.md", result.stdout)


def test_level_filters_the_kit(run):
    senior = run("brief", "flask", "--level", "senior", "-b", "linkedin").stdout
    assert "### What to look for: senior (4+ years)" in senior
    assert "What to look for: junior" not in senior
    assert "### Interview questions (senior)" in senior
    assert "What is a route in Flask" not in senior


def test_markdown_lists_every_board(run):
    text = run("brief", "flask").stdout
    from sourcer.query.boards import BOARDS

    for board in BOARDS.values():
        assert f"### {board.name}" in text


def test_output_file_and_force(run, tmp_path):
    out = tmp_path / "brief.md"
    result = run("brief", "flask", "-o", str(out))
    assert result.exit_code == 0
    assert result.stdout == ""
    assert out.read_text().startswith("# Recruiter brief: Flask")
    out.write_text("mine")
    again = run("brief", "flask", "-o", str(out))
    assert again.exit_code == 1
    assert again.stderr == f"Error: {out} already exists; use --force to overwrite it\n"
    assert out.read_text() == "mine"
    assert run("brief", "flask", "-o", str(out), "--force").exit_code == 0


def test_open_writes_html_and_launches(run, monkeypatch, isolated_home):
    opened: list[str] = []
    monkeypatch.setattr(click, "launch", lambda target, **kw: opened.append(target) or 0)
    result = run("brief", "flask", "--level", "senior", "--open")
    assert result.exit_code == 0, result.stderr
    page = isolated_home / "briefs" / "flask-senior.html"
    assert opened == [str(page)]
    assert page.read_text().startswith("<!DOCTYPE html>")


def test_open_needs_html(run):
    result = run("brief", "flask", "--format", "md", "--open")
    assert result.exit_code == 2


def test_unknown_term(run):
    result = run("brief", "flsk")
    assert result.exit_code == 1
    assert result.stderr == "Error: unknown term 'flsk'. Did you mean: flask?\n"


# -- HTML ----------------------------------------------------------------------------------

NASTY = """\
name: '<script>alert(1)</script>'
summary: 'A "term" & <b>bold</b> claims.'
aliases: ['"Quoted" & <b>bold</b>', "O'Brien <i>"]
titles:
  typical: '<img src=x onerror=alert(1)> Developer'
"""


def test_html_escapes_term_text_and_keeps_hrefs_exact(run, write_terms):
    folder = write_terms({"nasty.yaml": NASTY})
    result = run("--terms-dir", str(folder), "brief", "nasty", "--format", "html")
    assert result.exit_code == 0, result.stderr
    html = result.stdout
    soup = BeautifulSoup(html, "html.parser")
    scripts = soup.find_all("script")
    assert len(scripts) == 1, "only the page's own script"
    assert not soup.find_all("img") and not soup.find_all("b") and not soup.find_all("i")
    assert soup.h1.get_text().startswith("Recruiter brief: <script>alert(1)</script>")
    assert "&lt;script&gt;" in html
    data = json.loads(
        run("--terms-dir", str(folder), "query", "nasty", "-b", "all", "--json").stdout
    )
    cards = soup.select("article.card")
    assert len(cards) == len(data)
    for card, search in zip(cards, data, strict=True):
        assert card.find("code").get_text() == search["query"]
        link = card.find("a", class_="open")
        if search["url"] is None:
            assert link is None
        else:
            assert link["href"] == search["url"]


def test_page_is_self_contained(run):
    html = run("brief", "flask", "--format", "html").stdout
    soup = BeautifulSoup(html, "html.parser")
    assert not soup.find_all("link")
    assert all(not tag.get("src") for tag in soup.find_all(["script", "img", "iframe"]))
    assert (
        "default-src 'none'"
        in soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"]
    )
    assert "@media print" in html and "@media (max-width" in html
    assert soup.find("meta", attrs={"name": "viewport"})


def test_three_term_page_is_under_200_kb(run):
    html = run(
        "brief", "flask", "postgresql", "python", "--board", "all", "--format", "html"
    ).stdout
    assert len(html.encode("utf-8")) < 200 * 1024


# -- in a real browser ---------------------------------------------------------------------


def browser_or_skip():
    required = os.environ.get("SOURCER_REQUIRE_BROWSER") == "1"
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if required:
            raise
        pytest.skip("playwright is not installed")
    if not shutil.which(CHROMIUM):
        if required:
            pytest.fail(f"{CHROMIUM} is missing (.ci/run installs Debian's chromium)")
        pytest.skip(f"{CHROMIUM} is missing")
    return sync_playwright


#: a quiet headless Chromium: no updates, sync or other traffic of its own
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def watch(page):
    """Every URL the page requests, and every console error and uncaught exception."""
    requests: list[str] = []
    problems: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    return requests, problems


def test_page_in_chromium(run, tmp_path):
    sync_playwright = browser_or_skip()
    page_file = tmp_path / "brief.html"
    result = run("brief", "flask", "postgresql", "python", "--format", "html", "-o", str(page_file))
    assert result.exit_code == 0, result.stderr
    assert page_file.stat().st_size < 200 * 1024
    searches = json.loads(
        run("query", "flask", "postgresql", "python", "-b", "all", "--json").stdout
    )
    url = page_file.as_uri()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 390, "height": 844})  # a phone
            context.grant_permissions(["clipboard-read", "clipboard-write"])
            page = context.new_page()
            requests, problems = watch(page)
            page.goto(url)

            cards = page.locator("article.card")
            assert cards.count() == len(searches)
            for index, search in enumerate(searches):
                card = cards.nth(index)
                button = card.locator("button[data-copy]")
                button.click()
                page.wait_for_function(
                    "button => button.textContent === 'Copied'", arg=button.element_handle()
                )
                assert page.evaluate("navigator.clipboard.readText()") == search["query"]
                link = card.locator("a.open")
                if search["url"] is None:
                    assert link.count() == 0
                else:
                    assert link.get_attribute("href") == search["url"]
                    assert link.evaluate("a => a.href") == search["url"]

            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, "no sideways scrolling on a phone"
            ARTIFACTS.mkdir(exist_ok=True)
            page.goto(url)
            page.screenshot(path=str(ARTIFACTS / "brief-phone.png"), full_page=False)
            page.set_viewport_size({"width": 1280, "height": 900})
            page.screenshot(path=str(ARTIFACTS / "brief-desktop.png"), full_page=False)
            page.emulate_media(media="print")
            assert page.locator("button[data-copy]").first.is_hidden()

            assert problems == []
            assert set(requests) == {url}, f"requests left the page: {set(requests) - {url}}"
        finally:
            browser.close()


def test_copy_falls_back_without_the_clipboard_api(run, tmp_path):
    sync_playwright = browser_or_skip()
    page_file = tmp_path / "brief.html"
    run("brief", "flask", "-b", "linkedin", "--format", "html", "-o", str(page_file))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            context = browser.new_context()
            context.grant_permissions(["clipboard-read", "clipboard-write"])
            page = context.new_page()
            # Remove the Clipboard API before the page's script runs.
            page.add_init_script(
                "Object.defineProperty(navigator, 'clipboard', {value: undefined});"
            )
            page.goto(page_file.as_uri())
            copied = page.evaluate(
                """() => new Promise(resolve => {
                    document.addEventListener('copy', event => resolve(window.getSelection().toString() ||
                        document.activeElement.value), {once: true});
                    document.querySelector('button[data-copy]').click();
                })"""
            )
            expected = page.locator("code").first.text_content()
            assert copied == expected
        finally:
            browser.close()
