"""The validated-term records: equal to the YAML they came from, and never trusted blindly."""

from __future__ import annotations

import json
import os
import shutil

import pytest

from sourcer.errors import TermFileError
from sourcer.library import termcache
from sourcer.library.check import read_term
from sourcer.library.store import term_files
from tests.conftest import REPO
from tests.test_terms import minimal_term

SHIPPED = sorted(term_files(str(REPO / "terms")))


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: os.path.basename(p)[:-5])
def test_every_shipped_term_survives_its_record(path):
    term = read_term(path, "builtin")
    assert termcache._term(termcache._record(term), path, "builtin") == term


def _user_term(folder, slug="widget", name="Widget"):
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{slug}.yaml"
    path.write_text(minimal_term(name), encoding="utf-8")
    return str(path)


def test_a_term_is_read_from_yaml_once_then_from_its_record(tmp_path, monkeypatch):
    path = _user_term(tmp_path / "terms")
    cache = str(tmp_path / "cache")
    first = termcache.load_term(path, "user", cache)
    records = os.listdir(tmp_path / "cache" / "terms")
    assert len(records) == 1 and records[0].endswith("-widget.json")

    from sourcer.library import check

    def no_yaml(*args, **kwargs):
        raise AssertionError("read the YAML although the record is good")

    monkeypatch.setattr(check, "read_term", no_yaml)
    assert termcache.load_term(path, "user", cache) == first


def test_an_edited_file_is_read_afresh(tmp_path):
    path = _user_term(tmp_path / "terms")
    cache = str(tmp_path / "cache")
    assert termcache.load_term(path, "user", cache).name == "Widget"
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(minimal_term("Gadget Maker"))  # another size, another time
    assert termcache.load_term(path, "user", cache).name == "Gadget Maker"


@pytest.mark.parametrize(
    "damage",
    [
        lambda record: "not json at all {",
        lambda record: json.dumps([1, 2, 3]),
        lambda record: json.dumps({**record, "version": 0}),
        lambda record: json.dumps({**record, "term": {**record["term"], "slug": "flask"}}),
        lambda record: json.dumps({**record, "term": {**record["term"], "aliases": "Go"}}),
        lambda record: json.dumps({**record, "term": {**record["term"], "levels": {"x": 1}}}),
        lambda record: json.dumps({**record, "source": "/elsewhere/widget.yaml"}),
        lambda record: "[" * 100_000,
        lambda record: " " * (termcache.MAX_RECORD + 1),
    ],
    ids=[
        "garbage",
        "a list",
        "old version",
        "another slug",
        "wrong type",
        "level of the wrong shape",
        "another file",
        "deep nesting",
        "huge",
    ],
)
def test_a_damaged_record_is_ignored_and_rewritten(tmp_path, damage):
    path = _user_term(tmp_path / "terms")
    cache = str(tmp_path / "cache")
    good = termcache.load_term(path, "user", cache)
    (record_file,) = (tmp_path / "cache" / "terms").iterdir()
    record = json.loads(record_file.read_text(encoding="utf-8"))
    record_file.write_text(damage(record), encoding="utf-8")
    assert termcache.load_term(path, "user", cache) == good
    assert json.loads(record_file.read_text(encoding="utf-8")) == record  # healed


def test_a_file_with_errors_is_never_recorded(tmp_path):
    folder = tmp_path / "terms"
    folder.mkdir()
    path = folder / "broken.yaml"
    path.write_text("name: Broken\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(TermFileError, match="missing required key 'summary'"):
            termcache.load_term(str(path), "user", str(tmp_path / "cache"))
    assert not (tmp_path / "cache" / "terms").exists()


def test_a_read_only_cache_only_costs_time(tmp_path):
    path = _user_term(tmp_path / "terms")
    blocked = tmp_path / "cache"
    blocked.write_text("a file where the cache folder should be", encoding="utf-8")
    assert termcache.load_term(path, "user", str(blocked)).name == "Widget"


# -- the compiled library ---------------------------------------------------------------------


@pytest.fixture
def compiled(tmp_path, monkeypatch):
    out = tmp_path / "compiled"
    count = termcache.compile_folder(str(REPO / "terms"), str(out))
    assert count == len(SHIPPED)
    monkeypatch.setattr(termcache, "COMPILED_DIR", str(out))
    return out


def test_compiled_terms_are_read_without_yaml_or_json(compiled, monkeypatch, tmp_path):
    import builtins

    path = str(REPO / "terms" / "flask.yaml")
    expected = read_term(path, "builtin")
    real_import = builtins.__import__

    def guarded(name, *args, **kwargs):
        if name in ("yaml", "json", "sourcer.library.check"):
            raise AssertionError(f"imported {name}")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", guarded)
    assert termcache.load_term(path, "builtin", str(tmp_path / "cache")) == expected
    assert not (tmp_path / "cache").exists(), "nothing to record: the wheel has it"


def test_a_compiled_record_of_other_bytes_is_not_used(compiled, tmp_path):
    folder = tmp_path / "shipped"
    folder.mkdir()
    text = (REPO / "terms" / "flask.yaml").read_text(encoding="utf-8")
    edited = folder / "flask.yaml"
    edited.write_text(text.replace("name: Flask", "name: Flask Edited", 1), encoding="utf-8")
    term = termcache.load_term(str(edited), "builtin", str(tmp_path / "cache"))
    assert term.name == "Flask Edited"
    assert term.path == str(edited)


def test_a_compiled_record_is_not_used_for_a_user_term(compiled, tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    mine = folder / "flask.yaml"
    mine.write_bytes((REPO / "terms" / "flask.yaml").read_bytes())
    term = termcache.load_term(str(mine), "user", None)
    assert term.origin == "user" and term.path == str(mine)


def test_the_compiled_index_holds_each_shipped_file_and_what_the_index_reads_of_it(compiled):
    from sourcer.library.skim import file_record
    from sourcer.library.store import INDEX_VERSION

    index = termcache.compiled_index(INDEX_VERSION)
    assert sorted(index) == [os.path.basename(path) for path in SHIPPED]
    for path in SHIPPED:
        with open(path, "rb") as handle:
            assert index[os.path.basename(path)] == [handle.read(), *file_record(path)[2:]]
    assert termcache.compiled_index(INDEX_VERSION + 1) == {}, "made for another index"


@pytest.mark.parametrize(
    "damage",
    [
        b"",
        b"not marshal data",
        b"\xe9\x00",
    ],
)
def test_a_damaged_compiled_index_is_no_index(compiled, damage):
    from sourcer.library.store import INDEX_VERSION

    (compiled / termcache.INDEX_FILE).write_bytes(damage)
    assert termcache.compiled_index(INDEX_VERSION) == {}


def test_compiled_index_records_of_the_wrong_shape_are_left_out(compiled):
    import marshal

    from sourcer.library.store import INDEX_VERSION

    good = [b"name: A\n", "A", "", ["a"]]
    files = {
        "a.yaml": good,
        "b.yaml": [b"x", "B", ""],
        "c.yaml": ["name: C", "C", "", []],
        "d.yaml": [b"x", "D", "", ["d", 4]],
        "e.yaml": (b"x", "E", "", []),
    }
    data = marshal.dumps({"version": INDEX_VERSION, "files": files})
    (compiled / termcache.INDEX_FILE).write_bytes(data)
    assert termcache.compiled_index(INDEX_VERSION) == {"a.yaml": good}


def test_a_cold_index_of_the_shipped_folder_skims_only_what_changed(
    compiled, tmp_path, monkeypatch
):
    """Every shipped file that holds the bytes the wheel was built from is indexed from the
    compiled records; an edited one is read, and answers to its new alias."""
    from sourcer.library import skim
    from sourcer.library.store import Layer, Library

    folder = tmp_path / "shipped"
    folder.mkdir()
    for path in SHIPPED:
        shutil.copyfile(path, folder / os.path.basename(path))
    flask = folder / "flask.yaml"
    flask.write_text(
        flask.read_text(encoding="utf-8").replace("aliases:\n", "aliases:\n  - Zorblax\n", 1),
        encoding="utf-8",
    )
    skimmed: list[str] = []
    real = skim.skim_text
    monkeypatch.setattr(skim, "skim_text", lambda text: skimmed.append(text) or real(text))
    library = Library([Layer("builtin", str(folder))], cache_dir=tmp_path / "cache")
    assert library.get("zorblax").slug == "flask"
    assert len(skimmed) == 1 and "Zorblax" in skimmed[0]
    # the same index as one read without the compiled records
    monkeypatch.setattr(termcache, "COMPILED_DIR", str(tmp_path / "nothing"))
    fresh = Library([Layer("builtin", str(folder))], cache_dir=tmp_path / "again")
    assert fresh.entries() == Library([Layer("builtin", str(folder))]).entries()
    assert len(skimmed) == 1 + 2 * len(SHIPPED)
    assert library.entries() == fresh.entries()


# -- compiled templates -----------------------------------------------------------------------


def test_shipped_templates_are_compiled_once_and_user_templates_never_kept(run, isolated_home):
    cache = isolated_home / "cache" / "templates"
    first = run("brief", "flask", "--format", "html")
    assert first.exit_code == 0, first.stderr
    kept = sorted(p.name for p in cache.iterdir())
    assert kept and all(name.endswith(".jinja") for name in kept)
    again = run("brief", "flask", "--format", "html")
    assert again.stdout == first.stdout
    assert sorted(p.name for p in cache.iterdir()) == kept

    mine = isolated_home / "templates"
    mine.mkdir()
    (mine / "mine.j2").write_text(
        "---\nchannel: linkedin-connection\n---\nHi {{ candidate.first_name }}\n", encoding="utf-8"
    )
    note = run("outreach", "render", "mine", "--set", "candidate.first_name=Ada")
    assert note.exit_code == 0, note.stderr
    assert note.stdout == "Hi Ada\n"
    assert sorted(p.name for p in cache.iterdir()) == kept  # nothing of the user's kept


def test_a_damaged_compiled_template_is_compiled_afresh(run, isolated_home):
    first = run("brief", "flask")
    cache = isolated_home / "cache" / "templates"
    for entry in cache.iterdir():
        entry.write_bytes(b"garbage")
    again = run("brief", "flask")
    assert again.exit_code == 0, again.stderr
    assert again.stdout == first.stdout


def test_a_cache_that_cannot_be_written_only_costs_time(run, isolated_home):
    isolated_home.mkdir(parents=True)
    (isolated_home / "cache").write_text("a file, not a folder", encoding="utf-8")
    result = run("brief", "flask")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("# ")
