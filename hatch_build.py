"""Build step: compile the shipped term library into the wheel.

Each valid ``terms/<slug>.yaml`` becomes ``sourcer/compiled/<slug>.marshal``, the validated
term as :mod:`sourcer.library.termcache` reads it, so that an installed sourcer answers a
query without parsing YAML; ``sourcer/compiled/index.marshal`` holds every file's index
record, so that its first index skims none of them. Editable installs skip it: there the
terms are read from the checkout and recorded in the user's cache on first use.
"""

from __future__ import annotations

import os
import sys
import tempfile
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CompileTerms(BuildHookInterface):  # type: ignore[misc]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or version == "editable":
            return
        sys.path.insert(0, os.path.join(self.root, "src"))
        try:
            from sourcer.library.termcache import compile_folder
        finally:
            sys.path.pop(0)
        out = tempfile.mkdtemp(prefix="sourcer-compiled-")
        count = compile_folder(os.path.join(self.root, "terms"), out)
        self.app.display_info(f"compiled {count} terms")
        build_data["force_include"][out] = "sourcer/compiled"
