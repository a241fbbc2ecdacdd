"""The term library: the term schema once (schema), checking files (check), and the layered
store with its index cache (store)."""
