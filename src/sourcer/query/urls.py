"""Clickable search links, built with urllib.parse so that C++, C# and & travel intact."""

from __future__ import annotations

from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit

from sourcer.query.boards import UrlSpec

_RESTLI_PREFIX = "(keywords:"


def build_url(spec: UrlSpec, query: str, location: str | None = None) -> str:
    """The search link for ``query`` (and ``location``, where the site takes one)."""
    value = query
    if spec.restli:
        # Rest.li: the keywords are percent-encoded inside (keywords:...), and the whole value
        # is then encoded once more as a query-string parameter.
        value = f"{_RESTLI_PREFIX}{quote(query, safe='')})"
    params = [(spec.query_param, value), *spec.extra]
    if location and spec.location_param:
        params.append((spec.location_param, location))
    return f"{spec.base}?{urlencode(params)}"


def parse_url(spec: UrlSpec, url: str) -> tuple[str, str | None]:
    """The query and location a link carries: the inverse of :func:`build_url`."""
    params = dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))
    value = params.get(spec.query_param, "")
    if spec.restli and value.startswith(_RESTLI_PREFIX) and value.endswith(")"):
        value = unquote(value[len(_RESTLI_PREFIX) : -1])
    location = params.get(spec.location_param) if spec.location_param else None
    return value, location
