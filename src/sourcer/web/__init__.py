"""``sourcer serve``: the same engine as a local web page.

:func:`create_app` builds the Flask application; a team can run it under a production WSGI
server (``gunicorn 'sourcer.web:create_app()'``) with ``SOURCER_HOME`` pointing at a shared
library. Every route calls the core functions the CLI calls (search compilation, the posting
reader, lint and convert, the brief, the mail-merge); this package only turns requests into
their arguments and their results into JSON or pages.

Flask is an optional extra (``pip install 'sourcer[web]'``), imported only here, so
``sourcer query`` never pays for it.
"""

from __future__ import annotations

from sourcer.web.app import create_app

__all__ = ["create_app"]
