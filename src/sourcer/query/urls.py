"""Clickable search links, built with urllib.parse so that C++, C# and & travel intact."""

from __future__ import annotations

from urllib.parse import quote, urlencode

from sourcer.query.boards import UrlSpec

#: Sales Navigator wraps the keywords in Rest.li syntax
RESTLI_PREFIX = "(keywords:"


def build_url(
    spec: UrlSpec, query: str, location: str | None = None, host: str | None = None
) -> str:
    """The search link for ``query`` (and ``location``, where the site takes one), on the
    country site ``host`` when one is given (de.indeed.com)."""
    value = query
    if spec.restli:
        # Rest.li: the keywords are percent-encoded inside (keywords:...), and the whole value
        # is then encoded once more as a query-string parameter.
        value = f"{RESTLI_PREFIX}{quote(query, safe='')})"
    params = [(spec.query_param, value), *spec.extra]
    if location and spec.location_param:
        params.append((spec.location_param, location))
    base = spec.base
    if host:
        scheme, _, rest = base.partition("://")
        base = f"{scheme}://{host}/{rest.partition('/')[2]}"
    return f"{base}?{urlencode(params)}"
