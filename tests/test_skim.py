"""The index's line reader agrees with the YAML parser wherever it answers."""

from __future__ import annotations

import json

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from sourcer.library.skim import skim_text
from sourcer.library.store import term_files
from tests.conftest import REPO

SHIPPED = sorted(term_files(str(REPO / "terms")))


def check_as_parsed(text: str) -> None:
    """For every file the parser reads, the reader's answer is the parser's or none. (Of a
    file the parser refuses it may keep what it found: every command that loads the file
    says why, and a lookup by one of its words leads there.)"""
    from sourcer.yamlload import YAMLSyntaxError, load

    try:
        load(text, "term.yaml")
    except YAMLSyntaxError:
        return
    skimmed = skim_text(text)
    if skimmed is not None:  # what the index keeps of a file that is no mapping: blanks
        assert skimmed == (parsed(text) or ("", "", [])), text


def parsed(text: str) -> tuple[str, str, list[str]] | None:
    """What the loader (sourcer.yamlload, which the index falls back on) says of the four
    keys, as the index keeps them."""
    from sourcer.yamlload import YAMLSyntaxError, load

    try:
        data = load(text, "term.yaml")
    except YAMLSyntaxError:
        return None
    if not isinstance(data, dict):
        return None
    name, category = data.get("name"), data.get("category")
    words = []
    for key in ("aliases", "rare"):
        items = data.get(key)
        words += [a for a in items if isinstance(a, str)] if isinstance(items, list) else []
    return (
        name if isinstance(name, str) else "",
        category if isinstance(category, str) else "",
        words,
    )


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.rsplit("/", 1)[-1])
def test_every_shipped_file_is_read_as_the_parser_reads_it(path):
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    skimmed = skim_text(text)
    assert skimmed is not None, "shipped files are plain: the fast reader must handle them"
    assert skimmed == parsed(text)


VALUE = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), max_codepoint=0x2FF)
    | st.sampled_from(list("#:'\"[]{},-&*!|>%@` \t\\?")),
    max_size=20,
)


def _writings(value: str) -> list[str]:
    """Ways a person might write a value: plain, single-quoted, double-quoted, JSON."""
    return [value, "'" + value.replace("'", "''") + "'", '"' + value + '"', json.dumps(value)]


@settings(max_examples=1000, deadline=None)
@given(
    name=VALUE,
    category=VALUE,
    aliases=st.lists(VALUE, max_size=4),
    rare=st.lists(VALUE, max_size=2),
    style=st.sampled_from(["flow", "block", "none"]),
    pick=st.integers(min_value=0, max_value=3),
    comment=st.booleans(),
    other=st.sampled_from(
        [
            "",
            "summary: plain text\n",
            'summary: "two\nlines"\n',
            "x: [a,\n  b]\n",
            "summary: !foo text\n",
            "x:\n  - &a b\n  - *a\n",
            "x:\n  y: !!python/name:os.system ''\n",
            "summary: C++ & R&D, 5 * 3 = 15!\n",
            'titles:\n  typical: "Dev\nrare: [x]\nnotes: y"\n',
            "titles:\n  - [a,\nrare: [x]]\n",
            'summary: >-\n  the "analytics\n  engineer"\n',
        ]
    ),
)
def test_generated_files_are_read_as_the_parser_reads_them(
    name, category, aliases, rare, style, pick, comment, other
):
    note = " # a note" if comment else ""
    lines = [f"name: {_writings(name)[pick]}{note}", other.rstrip("\n")]
    lines.append(f"category: {_writings(category)[(pick + 1) % 4]}")
    if style == "flow":
        items = ", ".join(_writings(a)[(pick + i) % 4] for i, a in enumerate(aliases))
        lines.append(f"aliases: [{items}]{note}")
    elif style == "block":
        lines.append("aliases:")
        lines += [f"  - {_writings(a)[(pick + i) % 4]}" for i, a in enumerate(aliases)]
    if rare:
        lines.append("rare:")
        lines += [f"  - {_writings(a)[(pick + i) % 4]}" for i, a in enumerate(rare)]
    check_as_parsed("\n".join(line for line in lines if line) + "\n")


#: lines from which files are put together at random: keys the index reads, and values
#: under other keys that open a quote, a flow or a block scalar and close it lines later
LINES = [
    "name: A",
    "category: c",
    "aliases: [x]",
    "rare: [y, 'z']",
    "aliases:",
    "  - w",
    "titles:",
    "  typical: 'Dev",
    '  typical: "Dev',
    "  - [a,",
    "  k: {a: 'b",
    "  k: [a, [b]]",
    "  k: [Let's, 'c']",
    "  k: {a: [b]",
    "}",
    "  expected: >-",
    "  - |",
    "    it's 'q",
    '    the "q',
    "q'",
    'q"',
    "  b]",
    "  c']",
    "summary: s # it's",
    "    more text",
    "",
    '"name": Q',
    "? rare",
    ": [q]",
    "name : Q",
    "aliases : [q]",
    "rare  :",
    "{name: Q}",
    "---",
    "...",
    "- x",
    "[a]: b",
    "names: Q",
]


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.sampled_from(LINES), min_size=1, max_size=9))
def test_files_of_lines_that_open_and_close_over_others_are_read_as_the_parser_reads_them(
    lines,
):
    check_as_parsed("\n".join(lines) + "\n")


@pytest.mark.parametrize(
    "text",
    [
        "name: Go\nname: Golang\n",  # a duplicate key: the loader names both lines
        "name: >-\n  folded\n",
        "name: Go\n  continued\n",
        "name: &a Go\n",
        "name: !!str Go\n",
        'name: "Go\\u0041"\n',
        "name: yes\n",
        "name: 1.5\n",
        '"name": Go\n',  # the key in another form: quoted, after "?", in a flow, spaced
        "? name\n: Go\n",
        "{name: Go}\n",
        "name : Go\n",
        "name: Go\naliases : [Golang]\n",  # the parser reads the list: so must the index
        "name: Go\nrare  :\n  - golang\n",
        "---\nname: Go\n",
        "aliases:\n- x\n",  # a list at the key's own indent
        "aliases:\n  - a\n    b\n",
        "aliases: [a,\n  b]\n",
        "aliases: {a: 1}\n",
        "name:\tGo\n",
        "summary: 'a\nname: b'\n",
        "name: Go\nsummary: !foo text\n",  # a tag the loader refuses, under another key
        "name: Go\nx:\n  y: *a\n",  # an alias, nested
        "name: Go\nx:\n  - &a b\n",  # an anchor (the loader refuses those too)
        "name: Go\nx:\n  - !!str b\n",
        # a quoted or flow value under another key going on at the margin: the parser reads
        # "rare: [x]" as part of the title, not as a key of the file
        'name: A\ntitles:\n  typical: "Dev\nrare: [x]\nnotes: y"\n',
        "name: A\ntitles:\n  - 'Dev\nrare: [x]\nnotes: y'\n",
        "name: A\nx:\n  y: [a,\nrare: [x],\n  b]\n",
        "name: A\nx: {a: [b]\nrare: [x]\n}\n",
        'name: A\nsummary: "a \\"\nrare: [x]\nnotes: b"\n',  # the quote escaped: not its end
    ],
)
def test_what_the_reader_does_not_handle_it_leaves_to_the_parser(text):
    assert skim_text(text) is None


@pytest.mark.parametrize(
    "text",
    [
        # quotes in a block scalar's text are prose, open over lines or not
        'name: A\nsummary: >-\n  the "analytics\n  engineer" role\naliases: [b]\n',
        "name: A\ninterview:\n  - expected: |\n      it's 'the\n      best'\naliases: [b]\n",
        # an apostrophe inside a word of a flow list starts no quote
        "name: A\nx:\n  k: [Let's Encrypt, b]\naliases: [c]\n",
        "name: A\nx:\n  k: [a, {b: [c]}]\naliases: [d]\n",  # flows in flows
        "name: A\n...\n",  # the end of the document
        "name: A\nname-x: B\nnames: C\n",  # other keys
    ],
)
def test_files_in_forms_the_reader_handles_are_read_as_the_parser_reads_them(text):
    assert skim_text(text) is not None
    assert skim_text(text) == parsed(text)


@settings(max_examples=300, deadline=None)
@given(
    channel=VALUE,
    description=VALUE,
    pick=st.integers(min_value=0, max_value=3),
    order=st.booleans(),
)
def test_front_matter_is_read_as_the_parser_reads_it(channel, description, pick, order):
    from sourcer.library.skim import plain_mapping

    lines = [f"channel: {_writings(channel)[pick]}", f"description: {_writings(description)[pick]}"]
    text = "\n".join(reversed(lines) if order else lines) + "\n"
    plain = plain_mapping(text, ("channel", "description"))
    if plain is None:
        return
    data = yaml.safe_load(text)
    assert {key: value for key, (value, _) in plain.items()} == data
    where = next(n for n, line in enumerate(text.split("\n"), 1) if line.startswith("channel:"))
    assert plain["channel"][1] == where


@pytest.mark.parametrize(
    "text",
    ["", "channel: email\nchannel: inmail\n", "chanel: email\n", "channel: [a, b]\n", "- x\n"],
)
def test_front_matter_outside_the_plain_form_is_left_to_the_parser(text):
    from sourcer.library.skim import plain_mapping

    assert plain_mapping(text, ("channel", "description")) is None


PLAINISH = st.text(alphabet="aeyYnNoOtTfFlLsS019 .+/()-_#:'", max_size=7)


@settings(max_examples=1000, deadline=None)
@given(name=PLAINISH, aliases=st.lists(PLAINISH, max_size=5), indent=st.integers(1, 3))
@example(name="F", aliases=[" '"], indent=1)  # "-  '": a quote left open, after two spaces
def test_plain_words_and_block_lists_are_read_as_the_parser_reads_them(name, aliases, indent):
    """Words like yes, No, 1.5, null or 'a.b-c' in the shapes the reader takes at once."""
    text = f"name: {name}\nsummary: s\naliases:\n"
    text += "".join(f"{' ' * indent}- {alias}\n" for alias in aliases) + "category: c\n"
    skimmed = skim_text(text)
    if skimmed is not None:
        assert skimmed == parsed(text), text


def _case_variants(word: str) -> set[str]:
    variants = {""}
    for char in word:
        variants = {v + c for v in variants for c in {char.lower(), char.upper()}}
    return variants


NEAR_BOOLEANS = ["y", "n", "ye", "yes", "no", "nul", "null", "nulls", "true", "tru", "false"]
NEAR_BOOLEANS += ["on", "off", "of", "o", "t", "f", "yess", "none", "nan", "inf", "flask"]


@pytest.mark.parametrize("word", sorted(set().union(*map(_case_variants, NEAR_BOOLEANS))))
def test_words_are_told_from_booleans_and_null_as_the_parser_tells_them(word):
    from yaml.nodes import ScalarNode
    from yaml.resolver import Resolver

    from sourcer.library.skim import _is_text

    tag = Resolver().resolve(ScalarNode, word, (True, False))
    assert _is_text(word) == (tag == "tag:yaml.org,2002:str")


def test_every_first_letter_the_parser_resolves_is_known():
    """PyYAML resolves plain values by their first character; among letters only the
    booleans' and null's, whose words _is_text knows."""
    from yaml.resolver import Resolver

    from sourcer.library.skim import _NOT_TEXT

    letters = {char for char in Resolver.yaml_implicit_resolvers if char and char.isalpha()}
    assert letters == {word[0] for word in _NOT_TEXT}
    tags = {tag for char in letters for tag, _ in Resolver.yaml_implicit_resolvers[char]}
    assert tags == {"tag:yaml.org,2002:bool", "tag:yaml.org,2002:null"}
