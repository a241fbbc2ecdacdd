"""Places and site fields: the place table, --location and --remote on every kind of board,
the people boards' own fields, GitHub's locations, and lint --explain (golden output)."""

from __future__ import annotations

import json

import pytest

from sourcer.places import resolve
from sourcer.places.table import CITIES, COUNTRIES
from tests.conftest import check_golden


def test_the_place_table_is_large_and_consistent():
    codes = {country.code for country in COUNTRIES}
    assert len(CITIES) >= 200
    assert all(city.country in codes for city in CITIES)
    assert len({city.name for city in CITIES}) == len(CITIES)
    assert {"de", "fr", "gb", "us", "in", "br"} <= codes
    assert next(c for c in COUNTRIES if c.code == "gb").linkedin == "uk"
    assert next(c for c in COUNTRIES if c.code == "us").linkedin == "www"


@pytest.mark.parametrize(
    "written",
    ["Munich", "München", "munich", "Munich, Germany", "Greater Munich Metropolitan Area"],
)
def test_a_city_is_found_by_any_of_its_names(written):
    place = resolve(written)
    assert place.names[:2] == ("Munich", "München")
    assert place.country is not None and place.country.linkedin == "de"
    assert place.label == "Munich, Germany"


def test_an_unknown_place_is_kept_as_written():
    place = resolve("Atlantis")
    assert (place.names, place.known, place.label) == (("Atlantis",), False, "Atlantis")


def _all(run, *args):
    result = run("query", *args)
    assert result.exit_code == 0, result.stderr
    urls = run("query", *args, "--url").stdout
    return f"{result.stdout}\n--- links\n{urls}\n--- stderr\n{result.stderr}"


def test_munich(run):
    check_golden(
        "places/munich.txt",
        _all(
            run,
            "go",
            "-l",
            "Munich",
            "-b",
            "linkedin",
            "-b",
            "google",
            "-b",
            "indeed",
            "-b",
            "monster",
        ),
    )


def test_london_and_remote(run):
    check_golden(
        "places/london-remote.txt",
        _all(
            run,
            "python",
            "-l",
            "London",
            "--remote",
            "-b",
            "linkedin",
            "-b",
            "google",
            "-b",
            "indeed",
        ),
    )


def test_remote_is_never_a_place(run):
    result = run("query", "python", "-l", "Berlin", "-l", "remote", "-b", "google")
    assert "(Berlin OR remote)" not in result.stdout
    assert " remote " in result.stdout
    assert "'remote' is no place: searched as --remote" in result.stderr


def test_an_unknown_place(run):
    check_golden(
        "places/unknown.txt",
        _all(run, "go", "-l", "Atlantis", "-b", "linkedin", "-b", "google", "-b", "indeed"),
    )


def test_recruiter_and_sales_navigator_fields(run):
    check_golden(
        "places/people-fields.txt",
        _all(
            run,
            "kafka",
            "--level",
            "senior",
            "--title",
            "Data Engineer",
            "-l",
            "Paris",
            "-b",
            "linkedin-recruiter",
            "-b",
            "sales-navigator",
        ),
    )
    data = json.loads(
        run(
            "query", "kafka", "--level", "senior", "-l", "Paris", "-b", "sales-navigator", "--json"
        ).stdout
    )
    assert data[0]["fields"] == {
        "Seniority level": "Senior",
        "Years of experience": "6 to 10 years; More than 10 years",
        "Location filter": "Paris, France",
    }
    assert "Paris" not in data[0]["query"]


def test_github_puts_every_location_in_every_part(run):
    result = run("query", "kubernetes", "-l", "Munich", "-l", "Berlin", "-b", "github")
    check_golden("places/github-two-locations.txt", result.stdout)
    parts = [b.splitlines()[1] for b in result.stdout.strip().split("\n\n")]
    for skill in ("Kubernetes ", "k8s "):
        for place in ("location:Munich", "location:Berlin"):
            assert any(p.startswith(skill) and place in p for p in parts)


def test_job_boards_say_they_search_job_postings(run):
    result = run("query", "go", "-b", "indeed", "-b", "dice", "-l", "Munich", "--json")
    data = json.loads(result.stdout)
    assert {d["searches"] for d in data} == {"job postings"}
    assert "Indeed links search job postings, not people" in result.stderr
    assert "Dice lists US jobs only: Munich, Germany" in result.stderr
    boards = json.loads(run("boards", "--json").stdout)
    assert {b["slug"]: b["searches"] for b in boards}["indeed"] == "job postings"


def test_lint_explain_on_google_at_40_words(run):
    words = " ".join(f"w{i}" for i in range(36))
    result = run(
        "lint",
        f"site:linkedin.com/in flask django OR rails {words}",
        "--board",
        "google",
        "--explain",
    )
    check_golden("places/lint-explain-google.txt", result.stderr)
