"""Every location sourcer reads or writes: shipped data, and the user's home folder.

The home folder is ``$SOURCER_HOME`` when set, else the platform's per-user folder; the CLI
decides it (it knows the platform default) and hands a :class:`Home` to the core, which
never looks at the environment itself (:func:`env_home` is for the entry points).

Paths on the start-up path of ``sourcer query`` are plain strings handled with ``os.path``:
importing ``pathlib`` costs about 2.5 ms and ``importlib.resources`` about 7 ms, a large share
of the whole start-up budget (see BENCHMARKS.md). Shipped folders are found next to this
module, which is where ``importlib.resources`` finds them for every install pip makes.
"""

from __future__ import annotations

import os
from typing import NamedTuple

_PACKAGE_DIR = os.path.dirname(os.path.realpath(__file__))


def env_home() -> str | None:
    """``$SOURCER_HOME`` (with ``~`` expanded) if set and not empty."""
    override = os.environ.get("SOURCER_HOME")
    return os.path.expanduser(override) if override else None


def shipped_dir(name: str) -> str:
    """Return the shipped folder ``name`` ("terms" or "templates").

    In a wheel the folders sit inside the package; in a source checkout (an editable install
    or ``PYTHONPATH=src``) they are the top-level folders of the repository.
    """
    inside = os.path.join(_PACKAGE_DIR, name)
    if os.path.isdir(inside):
        return inside
    return os.path.join(os.path.dirname(os.path.dirname(_PACKAGE_DIR)), name)


class Home(NamedTuple):
    """The user's sourcer folder and what lives in it."""

    root: str

    @property
    def terms(self) -> str:
        """The user's layer of term files (over the shipped ones)."""
        return os.path.join(self.root, "terms")

    @property
    def templates(self) -> str:
        """The user's outreach templates (over the shipped ones)."""
        return os.path.join(self.root, "templates")

    @property
    def config(self) -> str:
        """Settings: the sender, the LinkedIn tier."""
        return os.path.join(self.root, "config.yaml")

    @property
    def cache(self) -> str:
        """The term index cache (safe to delete)."""
        return os.path.join(self.root, "cache")

    @property
    def briefs(self) -> str:
        """Where ``sourcer brief --format html`` writes when no file is named."""
        return os.path.join(self.root, "briefs")

    @property
    def roles(self) -> str:
        """Saved role files, found by name."""
        return os.path.join(self.root, "roles")


def builtin_templates(kind: str) -> str:
    """The shipped templates of one kind ("outreach" or "brief")."""
    return os.path.join(shipped_dir("templates"), kind)
