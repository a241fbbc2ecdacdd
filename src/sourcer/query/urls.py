"""Clickable search links, built with urllib.parse so that C++, C# and & travel intact."""

from __future__ import annotations

from urllib.parse import quote, urlencode

from sourcer.query.boards import UrlSpec

#: Sales Navigator wraps the keywords in Rest.li syntax
RESTLI_PREFIX = "(keywords:"


def build_url(spec: UrlSpec, query: str, location: str | None = None) -> str:
    """The search link for ``query`` (and ``location``, where the site takes one)."""
    value = query
    if spec.restli:
        # Rest.li: the keywords are percent-encoded inside (keywords:...), and the whole value
        # is then encoded once more as a query-string parameter.
        value = f"{RESTLI_PREFIX}{quote(query, safe='')})"
    params = [(spec.query_param, value), *spec.extra]
    if location and spec.location_param:
        params.append((spec.location_param, location))
    return f"{spec.base}?{urlencode(params)}"
