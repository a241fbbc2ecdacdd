"""What the one YAML loader (sourcer.yamlload) refuses before it parses, apart from PyYAML,
so that the index's line reader (sourcer.library.skim) can ask the same questions of a file
without importing it."""

from __future__ import annotations

import re

#: what a file we read may hold: sourcer's files are a few kilobytes
MAX_BYTES = 1_000_000
#: how deep flow collections ([ {) may nest (the C parser crashes on very deep ones)
MAX_DEPTH = 64
#: where an anchor or an alias may be (the pure-Python scanner then says whether it is one)
ALIAS_HINT = re.compile(r"(?:^|[\s\[{,:-])[&*][^\s\]}\[{,]+", re.MULTILINE)
