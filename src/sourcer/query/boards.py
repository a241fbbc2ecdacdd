"""The board table: each search target's dialect, limits (with sources) and URL.

This is data. Adding a board means adding an entry here; the compiler, the splitter, the
linter and the converter read only these fields. Each fact carries its source and a
confidence: S = an official page, C = commonly reported by practitioners, U = one informal
source or disputed. Only S and C limits the issues name as
hard are enforced; the rest warn.
"""

from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Literal, NamedTuple

Metric = Literal["chars", "words", "terms", "operators"]

METRIC_NAMES: dict[str, str] = {
    "chars": "characters",
    "words": "words",
    "terms": "terms",
    "operators": "operators",
}


class Limit(NamedTuple):
    """A limit on one measure of a query string."""

    metric: Metric
    value: int
    hard: bool
    confidence: Literal["S", "C", "U"]
    source: str
    #: what happens past the limit, for the warning or the explanation
    effect: str = ""

    def describe(self) -> str:
        kind = "hard" if self.hard else "soft"
        return (
            f"{self.value} {METRIC_NAMES[self.metric]} ({kind}, {self.confidence}: {self.source})"
        )


class UrlSpec(NamedTuple):
    """How a clickable search link is built; the query always goes through urllib.parse."""

    base: str
    query_param: str = "q"
    extra: tuple[tuple[str, str], ...] = ()
    #: the URL parameter that carries a location, when the site has one
    location_param: str = ""
    #: Sales Navigator wraps the keywords in Rest.li syntax: query=(keywords:<encoded>)
    restli: bool = False
    source: str = ""


class Site(NamedTuple):
    """An X-ray target for the search engines: what restricts results to profiles there."""

    slug: str
    #: the restriction, written in the common engine syntax and parsed when used
    restriction: str
    #: whether job titles help on that site (they do on LinkedIn, not on GitHub profiles)
    titles: bool
    #: profiles where recruiters and managers list stacks: keep them out by default
    people: bool = False
    #: whether a term's name has other meanings there (it rarely has on GitHub)
    senses: bool = True
    #: words that keep out pages that only look like profiles; dropped first when room is short
    exclude: tuple[str, ...] = ()
    note: str = ""


class Board(NamedTuple):
    """One search target's dialect, limits and link."""

    slug: str
    name: str
    kind: Literal["people search", "job board", "x-ray", "developer search"]
    #: the AND operator; "" means a space (implicit AND)
    and_op: str
    #: the OR operator; "" means the site has no OR, so each part holds one alternative
    or_op: str
    #: "NOT" (a word before the excluded term) or "-" (a minus touching it)
    not_style: Literal["NOT", "-"]
    #: job titles as plain keywords, inside a title field, or not at all
    titles: Literal["keywords", "field", "none"] = "keywords"
    title_field: str = ""
    #: location as keywords, as a URL parameter, as a qualifier, in the site's location
    #: filter (printed as a field to set), or not at all
    location: Literal["keywords", "param", "qualifier", "filter", "none"] = "keywords"
    location_key: str = ""
    #: seniority words as a title group; off where there are no job titles
    levels: bool = True
    #: the field that reads a page's title, for seniority words on X-ray (intitle)
    level_field: str = ""
    #: a search of people's profiles: recruiters and managers are kept out by default
    people: bool = False
    #: whether a term's other meanings are excluded (not on GitHub, where they are rare)
    senses: bool = True
    #: most parts a split search may have (0: no limit); past it the ranking's tail is dropped
    max_parts: int = 0
    #: fields the site has besides the keywords, printed as lines to fill in: the level
    #: ("years" and/or "seniority") and a Boolean job-title field ("title")
    level_fields: tuple[str, ...] = ()
    title_filter: bool = False
    #: how the site groups a string: NOT, then AND, then OR; or OR first (Google: "a b OR c"
    #: is "a AND (b OR c)", C: practitioners, and Google's own help on OR)
    or_first: bool = False
    #: an X-ray engine: takes --site, restricting results to profiles on one site
    xray: bool = False
    #: qualifiers on every query, e.g. GitHub's type:user
    fixed: tuple[str, ...] = ()
    #: GitHub: the qualifier carrying the programming language of the term
    language_qualifier: str = ""
    #: fields the dialect understands (for the linter), lowercase, without the colon
    fields: frozenset[str] = frozenset()
    #: operator spellings the dialect understands: AND OR NOT - | & + * and ( for grouping
    accepts: frozenset[str] = frozenset({"AND", "OR", "NOT", "("})
    url: UrlSpec | None = None
    limits: tuple[Limit, ...] = ()
    #: warnings shown when a query uses a feature the site treats loosely ("or", "not", field)
    caveats: Mapping[str, str] = MappingProxyType({})
    #: documented facts worth knowing, each with its source
    notes: tuple[str, ...] = ()

    @property
    def searches(self) -> str:
        """What a link or string on this board finds: people, or job postings."""
        return "job postings" if self.kind == "job board" else "people"

    @property
    def hard_limits(self) -> tuple[Limit, ...]:
        return tuple(limit for limit in self.limits if limit.hard)

    @property
    def soft_limits(self) -> tuple[Limit, ...]:
        return tuple(limit for limit in self.limits if not limit.hard)


_LINKEDIN_SOFT = (
    Limit(
        "chars",
        500,
        hard=False,
        confidence="U",
        source="practitioners' reports, unsourced and disputed",
        effect="LinkedIn may ignore the rest of a long search",
    ),
    Limit(
        "operators",
        15,
        hard=False,
        confidence="U",
        source="practitioners report 6 to 15 operators; unsourced and disputed",
        effect="LinkedIn may ignore operators past its limit",
    ),
)

_ENGINE_FIELDS = frozenset({"site", "intitle", "inurl", "filetype", "allintitle", "allinurl"})

BOARDS: dict[str, Board] = {
    board.slug: board
    for board in (
        Board(
            slug="linkedin",
            people=True,
            location="filter",
            name="LinkedIn people search",
            kind="people search",
            and_op="AND",
            or_op="OR",
            not_style="NOT",
            url=UrlSpec(
                "https://www.linkedin.com/search/results/people/",
                query_param="keywords",
                extra=(("origin", "GLOBAL_SEARCH_HEADER"),),
                source="C: the URL the site itself uses",
            ),
            limits=_LINKEDIN_SOFT,
            notes=(
                "Operators must be capitals; precedence is quotes, parentheses, NOT, AND, OR (C).",
                "No +, - or * operators; stop words are dropped (C).",
                "LinkedIn may turn name-, title- or company-like keywords into filters, and "
                "NOT has been reported as intermittently ignored (C: booleanstrings.com).",
                "Free accounts hit a monthly commercial-use limit; results stop near 1,000 (C).",
            ),
        ),
        Board(
            slug="linkedin-recruiter",
            people=True,
            location="filter",
            level_fields=("years",),
            title_filter=True,
            name="LinkedIn Recruiter / Recruiter Lite",
            kind="people search",
            and_op="AND",
            or_op="OR",
            not_style="NOT",
            url=None,
            notes=(
                "Boolean works in the Keywords, Title, Name and Company fields (S: help a415295).",
                "Up to 1,000 candidates per search; no keyword length limit documented (S).",
                "No link: Recruiter deep links need your session; paste the string into "
                "Keywords (U).",
            ),
        ),
        Board(
            slug="sales-navigator",
            people=True,
            location="filter",
            level_fields=("seniority", "years"),
            name="LinkedIn Sales Navigator",
            kind="people search",
            and_op="AND",
            or_op="OR",
            not_style="NOT",
            url=UrlSpec(
                "https://www.linkedin.com/sales/search/people",
                query_param="query",
                restli=True,
                source="C: Rest.li-encoded keywords, as the site's own links",
            ),
            limits=_LINKEDIN_SOFT,
            notes=(
                "Same operators as LinkedIn search; curly quotes are not supported; stop words "
                "(by, in, with) are ignored (S: LinkedIn Sales Navigator help).",
            ),
        ),
        Board(
            slug="indeed",
            name="Indeed",
            kind="job board",
            and_op="",
            or_op="OR",
            not_style="-",
            titles="field",
            title_field="title",
            location="param",
            location_key="l",
            fields=frozenset({"title", "company"}),
            accepts=frozenset({"AND", "OR", "-", "("}),
            url=UrlSpec(
                "https://www.indeed.com/jobs",
                location_param="l",
                source="C; country sites use subdomains such as uk.indeed.com",
            ),
            notes=(
                "title:(...), quotes, OR and - are widely used; Indeed publishes no operator "
                "list (C/U).",
                "Resume search is behind a subscription (Smart Sourcing) (S).",
            ),
        ),
        Board(
            slug="dice",
            name="Dice",
            kind="job board",
            and_op="AND",
            or_op="OR",
            not_style="NOT",
            location="param",
            location_key="location",
            url=UrlSpec(
                "https://www.dice.com/jobs",
                location_param="location",
                source="C",
            ),
            notes=(
                "Boolean mode: AND (default), OR, NOT, parentheses, quotes; Dice expands some "
                "synonyms itself, e.g. C# to csharp (S: Dice Boolean report).",
            ),
        ),
        Board(
            slug="monster",
            name="Monster",
            kind="job board",
            and_op="AND",
            or_op="OR",
            not_style="NOT",
            location="param",
            location_key="where",
            accepts=frozenset({"AND", "OR", "NOT", "(", "*"}),
            url=UrlSpec(
                "https://www.monster.com/jobs/search",
                location_param="where",
                source="C",
            ),
            notes=(
                "AND, OR, NOT in capitals; quotes (also for non-alphanumeric terms); "
                'parentheses; * wildcard outside quotes; proximity "a b"~N '
                "(S: hiring.monster.com help).",
            ),
        ),
        Board(
            slug="github",
            senses=False,
            name="GitHub user search",
            kind="developer search",
            and_op="",
            or_op="",
            not_style="NOT",
            titles="none",
            location="qualifier",
            location_key="location",
            levels=False,
            fixed=("type:user", "in:bio"),
            language_qualifier="language",
            fields=frozenset(
                {
                    "type",
                    "in",
                    "location",
                    "language",
                    "repos",
                    "followers",
                    "fullname",
                    "created",
                    "user",
                    "org",
                }
            ),
            accepts=frozenset({"AND", "NOT", "-"}),
            url=UrlSpec(
                "https://github.com/search",
                extra=(("type", "users"),),
                source="S: docs.github.com searching-users",
            ),
            limits=(
                Limit(
                    "chars",
                    256,
                    hard=True,
                    confidence="S",
                    source="docs.github.com troubleshooting-search-queries",
                    effect="GitHub refuses the search",
                ),
                Limit(
                    "operators",
                    5,
                    hard=True,
                    confidence="S",
                    source="docs.github.com troubleshooting-search-queries",
                    effect="GitHub refuses the search",
                ),
            ),
            notes=(
                "OR and parentheses are undocumented for user search, so each part holds one "
                "alternative of each group (S/C).",
                "Without in:, only login and email are searched; in:bio is widely used but "
                "undocumented (C).",
                "No job titles or seniority on GitHub: those groups are left out.",
                "The REST API returns at most 1,000 results (S).",
            ),
        ),
        Board(
            slug="google",
            or_first=True,
            level_field="intitle",
            max_parts=2,
            name="Google (X-ray)",
            kind="x-ray",
            and_op="",
            or_op="OR",
            not_style="-",
            xray=True,
            fields=_ENGINE_FIELDS,
            accepts=frozenset({"OR", "-", "|", "(", "*"}),
            url=UrlSpec("https://www.google.com/search", source="C"),
            limits=(
                Limit(
                    "words",
                    32,
                    hard=True,
                    confidence="C",
                    source="most practitioner sources (the limit, C); that operators, site: "
                    "and each word of a phrase count is the conservative reading (C/U)",
                    effect="Google ignores every later word",
                ),
            ),
            notes=(
                "Implicit AND; OR in capitals; -word excludes; * is a whole-word wildcard; "
                "+ and ~ are gone (S/C).",
                "Location words also match the 'people also viewed' part of profiles (C).",
                "The Custom Search JSON API closes for everyone on 2027-01-01 (S).",
            ),
        ),
        Board(
            slug="bing",
            level_field="intitle",
            max_parts=3,
            name="Bing (X-ray)",
            kind="x-ray",
            and_op="",
            or_op="OR",
            not_style="-",
            xray=True,
            fields=frozenset({"site", "intitle", "inbody", "loc", "language", "filetype", "inurl"}),
            accepts=frozenset({"AND", "OR", "NOT", "-", "|", "&", "("}),
            url=UrlSpec("https://www.bing.com/search", source="C"),
            limits=(
                Limit(
                    "terms",
                    10,
                    hard=True,
                    confidence="S",
                    source="Bing advanced search help (the limit, S); what counts as a "
                    "term is sourcer's own conservative reading (U): every keyword, phrase "
                    "word and field, operators not",
                    effect="Bing uses only the first 10 terms",
                ),
            ),
            caveats={"inurl": "inurl: is not an official Bing operator (S: Bing help)"},
            notes=(
                "NOT and OR must be capitals; precedence is parentheses, quotes, NOT/-, AND, "
                "OR (S: Bing advanced search help).",
                "The Bing Search APIs were retired on 2025-08-11 (S).",
            ),
        ),
        Board(
            slug="duckduckgo",
            level_field="intitle",
            max_parts=2,
            name="DuckDuckGo (X-ray)",
            kind="x-ray",
            and_op="",
            or_op="OR",
            not_style="-",
            xray=True,
            fields=_ENGINE_FIELDS,
            accepts=frozenset({"OR", "-", "("}),
            url=UrlSpec("https://duckduckgo.com/", source="C"),
            limits=(
                Limit(
                    "chars",
                    500,
                    hard=True,
                    confidence="C",
                    source="practitioners report DuckDuckGo rejects longer queries",
                    effect="DuckDuckGo refuses the search",
                ),
            ),
            caveats={
                "or": "OR and parentheses are undocumented on DuckDuckGo; it may treat the "
                "alternatives loosely (C)",
                "not": "on DuckDuckGo -word means fewer results with the word, not none (C)",
            },
            notes=("Words are ORed by relevance; quoted phrases are matched loosely (C).",),
        ),
        Board(
            slug="brave",
            level_field="intitle",
            max_parts=2,
            name="Brave Search (X-ray)",
            kind="x-ray",
            and_op="",
            or_op="OR",
            not_style="-",
            xray=True,
            fields=frozenset({"site", "intitle", "inbody", "inpage", "filetype", "lang", "loc"}),
            accepts=frozenset({"AND", "OR", "NOT", "-", "+", "("}),
            url=UrlSpec(
                "https://search.brave.com/search",
                source="C; the API is api.search.brave.com/res/v1/web/search",
            ),
            limits=(
                Limit(
                    "chars",
                    400,
                    hard=True,
                    confidence="S",
                    source="Brave Search API documentation (q parameter)",
                    effect="Brave refuses or cuts the search",
                ),
                Limit(
                    "words",
                    50,
                    hard=True,
                    confidence="S",
                    source="Brave Search API documentation (q parameter)",
                    effect="Brave refuses or cuts the search",
                ),
            ),
            notes=('Operators: "", +, -, site:, intitle:, inbody:, AND, OR, NOT (S: Brave docs).',),
        ),
    )
}

SITES: dict[str, Site] = {
    site.slug: site
    for site in (
        Site("linkedin", "site:linkedin.com/in", titles=True, people=True),
        # Profile pages, not repositories or issues: only they show followers (C)
        Site(
            "github",
            'site:github.com "followers"',
            titles=False,
            senses=False,
            note="profile pages (they show followers), not repositories or issues (C)",
        ),
        # User pages list a person's top tags: the skill is searched as the tag (C)
        Site(
            "stackoverflow",
            'site:stackoverflow.com/users "top tags"',
            titles=False,
            senses=False,
            note="user pages, whose top tags name the skills (C)",
        ),
        Site(
            "resumes",
            "(intitle:resume OR inurl:resume)",
            titles=True,
            exclude=("job", "jobs", "sample", "template"),
            note="resume pages, not job ads or templates (C)",
        ),
    )
}
DEFAULT_SITE = "linkedin"

#: what each level means in the seniority filters of LinkedIn Recruiter and Sales Navigator
#: (their own option names; C: the products' filter lists)
LEVEL_FILTERS: dict[str, dict[str, str]] = {
    "years": {
        "junior": "Less than 1 year; 1 to 2 years",
        "mid": "3 to 5 years",
        "senior": "6 to 10 years; More than 10 years",
    },
    "seniority": {"junior": "Entry Level; In Training", "mid": "Senior", "senior": "Senior"},
}
FIELD_LABELS = {"years": "Years of experience", "seniority": "Seniority level"}


def board_list(boards: Sequence[str], default: Sequence[str]) -> list[str]:
    """Board slugs from repeated --board options: 'all' means every board."""
    if not boards:
        return list(default)
    if "all" in boards:  # people searches first, then the job-ad searches
        return sorted(BOARDS, key=lambda slug: BOARDS[slug].searches == "job postings")
    return list(dict.fromkeys(boards))  # keep order, drop repeats
