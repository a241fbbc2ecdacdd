"""The web page in headless Chromium (Debian's, as the brief's test): a recruiter's session
from typing a skill to downloading messages, with screenshots for review, no console error
and no request that leaves the loopback server."""

from __future__ import annotations

import io
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("flask")

from sourcer.web import create_app
from tests.test_brief import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, browser_or_skip, watch
from tests.test_web import POSTING, cli_searches


@pytest.fixture
def server(isolated_home: Path) -> Iterator[str]:
    """The app on a loopback port of its own, for the length of one test."""
    from werkzeug.serving import make_server

    httpd = make_server("127.0.0.1", 0, create_app(str(isolated_home)), threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def browser_page(server: str) -> Iterator[tuple[Any, list[str], list[str]]]:
    sync_playwright = browser_or_skip()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server)
            page = context.new_page()
            requests, problems = watch(page)
            yield page, requests, problems
        finally:
            browser.close()


def cards(page: Any, board: str) -> list[str]:
    return page.locator(f"#results article.card[data-board={board}] pre.query").all_inner_texts()


def wait_for_cards(page: Any, board: str, count: int) -> None:
    page.wait_for_function(
        "([board, count]) => document.querySelectorAll("
        "`#results article.card[data-board=${board}]`).length === count",
        arg=[board, count],
    )


def test_a_recruiters_session(
    browser_page: tuple[Any, list[str], list[str]],
    server: str,
    run: Any,
    isolated_home: Path,
    tmp_path: Path,
) -> None:
    page, requests, problems = browser_page
    page.goto(server + "/")

    # Type a spelling candidates use and pick the suggestion.
    page.fill("#term-input", "golang")
    suggestion = page.locator("#suggestions li[data-slug=go]")
    suggestion.wait_for()
    assert "Go" in suggestion.inner_text() and "alias: Golang" in suggestion.inner_text()
    suggestion.dispatch_event("mousedown")
    assert page.locator("#chips li[data-slug=go]").count() == 1

    # Senior, in Berlin: the strings are the CLI's, on LinkedIn and in Google's parts.
    page.select_option("#level", "senior")
    page.fill("#places", "Berlin")
    expected = cli_searches(run)
    google = [s["query"] for s in expected if s["board"] == "google"]
    wait_for_cards(page, "google", len(google))
    page.wait_for_function(
        "text => document.querySelector('#results article.card[data-board=linkedin] pre')"
        "?.textContent === text",
        arg=expected[0]["query"],
    )
    assert cards(page, "linkedin") == [expected[0]["query"]]
    assert cards(page, "google") == google
    assert "Berlin" in google[0] or "de.linkedin.com" in google[0]

    # Copy puts the string on the clipboard; Open is the board's link.
    linkedin = page.locator("#results article.card[data-board=linkedin]")
    linkedin.locator("button.copy").click()
    page.wait_for_function(
        "() => document.querySelector('#results article.card[data-board=linkedin] button.copy')"
        ".textContent === 'Copied'"
    )
    assert page.evaluate("navigator.clipboard.readText()") == expected[0]["query"]
    first_google = page.locator("#results article.card[data-board=google]").first
    assert first_google.locator("a").get_attribute("href") == next(
        s["url"] for s in expected if s["board"] == "google"
    )
    page.locator("#explain-box summary").click()
    assert "Where this search comes from:" in page.inner_text("#explain")

    # The desktop screenshot, then the phone: nothing scrolls sideways.
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "web-desktop.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.evaluate("window.scrollTo(0, 0)")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(ARTIFACTS / "web-phone.png"), full_page=False)
    page.set_viewport_size({"width": 1280, "height": 900})

    # A pasted posting becomes the role, in the form.
    page.fill("#jd", POSTING)
    page.click("#read-jd")
    page.wait_for_function("() => document.querySelector('#jd-summary').textContent !== ''")
    page.locator("#chips li[data-slug=kafka]").wait_for()
    chips = page.locator("#chips li").evaluate_all(
        "items => items.map(li => [li.dataset.slug, li.querySelector('select').value])"
    )
    assert chips == [["go", "must"], ["kubernetes", "must"], ["kafka", "nice"]]
    assert page.input_value("#places") == "Berlin"
    assert page.input_value("#level") == "senior"

    # Save it, reload, reopen it.
    page.fill("#role-name", "go-berlin")
    page.click("#save-role")
    page.wait_for_function(
        "() => document.querySelector('#role-status').textContent === 'Saved go-berlin.'"
    )
    saved = (isolated_home / "roles" / "go-berlin.yaml").read_text(encoding="utf-8")
    assert "- kubernetes" in saved and "nice:\n- kafka" in saved
    # what the posting said and the form does not show is kept
    assert "title: Senior Go Engineer" in saved and "remote: hybrid" in saved
    page.reload()
    page.locator("#saved-roles option[value=go-berlin]").wait_for(state="attached")
    page.select_option("#saved-roles", "go-berlin")
    page.click("#open-role")
    page.locator("#chips li[data-slug=kafka]").wait_for()
    assert page.input_value("#level") == "senior"
    assert page.input_value("#remote") == "hybrid"
    # go and kubernetes required, kafka nice: the search and its narrower variant
    wait_for_cards(page, "linkedin", 2)

    # Upload a CSV, preview the messages, download them as a CSV and as drafts.
    people = tmp_path / "people.csv"
    people.write_text(
        "first_name,email,company\nAda,ada@example.com,Parcelwise\nLin,lin@example.com,Hexa\n",
        encoding="utf-8",
    )
    page.fill("#sender-name", "Sam Reyes")
    page.fill("#sender-company", "Acme")
    page.fill("#sender-email", "sam@acme.example")
    page.set_input_files("#csv-file", str(people))
    page.click("#preview")
    page.locator("#messages article").nth(1).wait_for()
    assert "Hi Ada" in page.locator("#messages article").first.inner_text()
    with page.expect_download() as download:
        page.click("#download-csv")
    table = Path(download.value.path()).read_text(encoding="utf-8")
    assert table.startswith("row,first_name,email,company,template,channel,subject,body,length")
    assert table.count("\n2,Ada,") == 1
    page.select_option("#template", "email")
    with page.expect_download() as download:
        page.click("#download-eml")
    assert download.value.suggested_filename == "email-messages.zip"
    with zipfile.ZipFile(io.BytesIO(Path(download.value.path()).read_bytes())) as archive:
        assert archive.namelist() == ["002-ada.eml", "003-lin.eml"]

    # Lint a hand-written string: each finding at its column.
    page.fill("#lint-text", '"Flask" and (python OR django')
    page.click("#lint-run")
    page.locator("#lint-findings .finding").first.wait_for()
    columns = page.locator("#lint-findings .finding").evaluate_all(
        "items => items.map(f => f.dataset.column)"
    )
    assert "9" in columns and "13" in columns

    assert problems == []
    outside = [u for u in requests if not u.startswith((server + "/", "blob:", "data:"))]
    assert outside == [], f"requests left the loopback server: {outside}"


ROLE = """\
version: 1
title: Platform Engineer
level: senior
remote: onsite
must: [go]
any: [[postgresql, mysql], [aws, gcp]]
titles: [Platform Engineer]
exclude: [intern]
outreach:
  template: inmail
  sender: {name: Sam Lee}
"""


def test_a_role_opened_and_saved_again_keeps_everything(
    browser_page: tuple[Any, list[str], list[str]], server: str, isolated_home: Path
) -> None:
    import yaml

    page, _, problems = browser_page
    roles = isolated_home / "roles"
    roles.mkdir(parents=True)
    (roles / "platform.yaml").write_text(ROLE, encoding="utf-8")
    page.goto(server + "/")
    page.locator("#saved-roles option[value=platform]").wait_for(state="attached")
    page.select_option("#saved-roles", "platform")
    page.click("#open-role")
    page.locator("#chips li[data-slug=gcp]").wait_for()
    wait_for_cards(page, "linkedin", 1)
    query = cards(page, "linkedin")[0]
    assert "(PostgreSQL OR" in query and "(AWS OR" in query, "two one-of groups, not one"
    assert '"Platform Engineer"' in query and "intern" in query  # the role's titles, exclusions
    page.fill("#role-name", "platform-copy")
    page.click("#save-role")
    page.wait_for_function(
        "() => document.querySelector('#role-status').textContent === 'Saved platform-copy.'"
    )
    copy = yaml.safe_load((roles / "platform-copy.yaml").read_text(encoding="utf-8"))
    original = yaml.safe_load(ROLE)
    assert {k: v for k, v in copy.items() if k not in ("boards", "site")} == original
    assert problems == []


def test_skills_are_chosen_from_the_keyboard(
    browser_page: tuple[Any, list[str], list[str]], server: str
) -> None:
    page, _, problems = browser_page
    page.goto(server + "/")
    page.fill("#term-input", "k8s")
    page.locator("#suggestions li[data-slug=kubernetes]").wait_for()
    assert page.get_attribute("#term-input", "aria-activedescendant") == "suggestion-0"
    page.press("#term-input", "Enter")
    page.locator("#chips li[data-slug=kubernetes]").wait_for()
    assert page.input_value("#term-input") == ""
    page.fill("#term-input", "postgres")
    page.locator("#suggestions li[data-slug=postgresql]").wait_for()
    page.press("#term-input", "Escape")
    assert page.locator("#suggestions").is_hidden()
    wait_for_cards(page, "linkedin", 1)
    assert cards(page, "linkedin")[0].startswith("(Kubernetes OR k8s")
    assert problems == []


def test_a_term_page_runs_its_own_script_and_style(
    browser_page: tuple[Any, list[str], list[str]], server: str
) -> None:
    page, requests, problems = browser_page
    page.goto(server + "/library/go")
    assert "Times" not in page.evaluate("getComputedStyle(document.body).fontFamily")
    button = page.locator("button[data-copy]").first
    button.click()
    page.wait_for_function("b => b.textContent === 'Copied'", arg=button.element_handle())
    assert page.evaluate("navigator.clipboard.readText()").startswith("(Go OR Golang)")
    assert problems == []
    assert [u for u in requests if not u.startswith(server + "/")] == []


def test_an_unknown_term_and_a_cross_site_post_in_the_browser(
    browser_page: tuple[Any, list[str], list[str]], server: str
) -> None:
    page, _, problems = browser_page
    page.goto(server + "/library/postgress")
    assert "Did you mean: postgresql?" in page.inner_text("p.error")
    problems.clear()  # the 404 itself is logged by the browser
    page.goto(server + "/")
    # A script that forgets the header (as another site's form would) is refused.
    status = page.evaluate(
        "async () => (await fetch('/api/search', {method: 'POST', body: '{}'})).status"
    )
    assert status == 403
