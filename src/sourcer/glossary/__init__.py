"""Importing recruiter glossary pages: HTTP fetching, page parsing, term-file writing, and the
batch import."""
