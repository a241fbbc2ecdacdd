"""Outreach messages: channels and their limits, config, sandboxed templates, the context a
template sees, and the mail-merge."""
