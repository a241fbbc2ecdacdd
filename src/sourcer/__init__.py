"""sourcer: Boolean search strings, X-ray links and outreach for technical recruiters."""

__version__ = "0.1.0"
