"""Where shipped data lives. User paths are resolved by the CLI and passed in as values.

Shipped folders are found next to this module. ``importlib.resources`` would return the same
directory for every install pip makes, but importing it costs about 7 ms, a sixth of the whole
start-up budget of ``sourcer query`` (see BENCHMARKS.md), so a regular-package path is used.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def shipped_dir(name: str) -> Path:
    """Return the shipped folder ``name`` ("terms" or "templates").

    In a wheel the folders sit inside the package; in a source checkout (an editable install
    or ``PYTHONPATH=src``) they are the top-level folders of the repository.
    """
    inside = _PACKAGE_DIR / name
    if inside.is_dir():
        return inside
    return _PACKAGE_DIR.parent.parent / name
