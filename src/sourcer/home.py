"""Where shipped data lives. User paths are resolved by the CLI and passed in as values.

Paths on the start-up path of ``sourcer query`` are plain strings handled with ``os.path``:
importing ``pathlib`` costs about 2.5 ms and ``importlib.resources`` about 7 ms, a large share
of the whole start-up budget (see BENCHMARKS.md). Shipped folders are found next to this
module, which is where ``importlib.resources`` finds them for every install pip makes.
"""

from __future__ import annotations

import os

_PACKAGE_DIR = os.path.dirname(os.path.realpath(__file__))


def shipped_dir(name: str) -> str:
    """Return the shipped folder ``name`` ("terms" or "templates").

    In a wheel the folders sit inside the package; in a source checkout (an editable install
    or ``PYTHONPATH=src``) they are the top-level folders of the repository.
    """
    inside = os.path.join(_PACKAGE_DIR, name)
    if os.path.isdir(inside):
        return inside
    return os.path.join(os.path.dirname(os.path.dirname(_PACKAGE_DIR)), name)
