"""Places: resolving what a user types as --location into a city or country of the place
table (:mod:`sourcer.places.table`), with the names people write for it, the LinkedIn
subdomain profiles there live on, and the job boards' country sites."""

from __future__ import annotations

import unicodedata
from typing import NamedTuple

from sourcer.places.table import CITIES, COUNTRIES, City, Country


class Place(NamedTuple):
    """A --location, resolved (or, when the table does not know it, kept as written)."""

    given: str
    #: the names to search, most common first ("Munich", "München")
    names: tuple[str, ...]
    country: Country | None = None
    city: City | None = None

    @property
    def known(self) -> bool:
        return self.country is not None

    @property
    def label(self) -> str:
        if self.city is not None and self.country is not None:
            return f"{self.city.name}, {self.country.name}"
        return self.country.name if self.country is not None else self.given


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(ch for ch in decomposed if not unicodedata.combining(ch)).split())


def _index() -> dict[str, City | Country]:
    index: dict[str, City | Country] = {}
    for country in COUNTRIES:
        for name in (country.name, *country.native):
            index.setdefault(fold(name), country)
    for city in CITIES:  # a city wins over a country of the same name (Luxembourg, Singapore)
        for name in (city.name, *city.native, *city.metro):
            index[fold(name)] = city
    return index


_INDEX: dict[str, City | Country] | None = None
_COUNTRY_BY_CODE = {country.code: country for country in COUNTRIES}


def resolve(text: str) -> Place:
    """The place ``text`` names: "Munich", "München", "Greater Munich Metropolitan Area" and
    "Munich, Germany" are one city; an unknown place is kept as written."""
    global _INDEX
    if _INDEX is None:
        _INDEX = _index()
    given = " ".join(text.split())
    found = _INDEX.get(fold(given)) or _INDEX.get(fold(given.split(",")[0]))
    if isinstance(found, City):
        country = _COUNTRY_BY_CODE.get(found.country)
        names = tuple(dict.fromkeys((found.name, *found.native)))
        return Place(given, names, country, found)
    if isinstance(found, Country):
        return Place(given, tuple(dict.fromkeys((found.name, *found.native))), found)
    return Place(given, (given,))


def known_city_names() -> dict[str, str]:
    """Every name a city is written under (case-folded) -> the name as written."""
    names: dict[str, str] = {}
    for city in CITIES:
        for name in (city.name, *city.native):
            names.setdefault(name.casefold(), name)
    return names
