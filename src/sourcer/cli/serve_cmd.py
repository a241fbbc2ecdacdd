"""``sourcer serve``: the local web page (the optional web extra)."""

from __future__ import annotations

import errno
import socket

import click

from sourcer.cli.common import app_from
from sourcer.cli.output import note, warn

#: host names that only this machine can reach
LOOPBACK = ("127.0.0.1", "localhost", "::1")
#: addresses that mean every interface of the machine
EVERYWHERE = ("0.0.0.0", "::")  # noqa: S104 (compared with, never bound here)


@click.command()
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="The address to listen on. Anything but loopback lets other machines in (a warning "
    "says so): use it for a team server, behind your network's access rules.",
)
@click.option(
    "--port", default=8765, show_default=True, type=click.IntRange(0, 65535), help="The port."
)
@click.option("--open", "open_page", is_flag=True, help="Open the page in your browser.")
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, open_page: bool) -> None:
    """Serve sourcer as a local web page: searches, roles, lint and outreach in a browser.

    The page builds every board's string and link as you type, reads a pasted job
    description into a role you can save and reopen, checks and converts strings, previews
    outreach for a CSV and browses the library. It uses the same library as the CLI
    ($SOURCER_HOME), loads nothing from the internet, and by default only this machine can
    reach it. Needs the web extra: pip install 'sourcer[web]'.

    For a team server, run the app under a production WSGI server instead, with
    SOURCER_HOME pointing at the shared library and SOURCER_HOSTS naming the host names
    people use: gunicorn -w 4 -b 0.0.0.0:8765 'sourcer.web:create_app()'

    \b
    Examples:
      sourcer serve --open
      sourcer serve --port 9000
      sourcer serve --host 0.0.0.0          # other machines too (warns)
    """
    try:
        from werkzeug.serving import make_server

        from sourcer.web import create_app
        from sourcer.web.app import trusted_hosts
    except ImportError:
        raise click.ClickException(
            "sourcer serve needs the web extra: pip install 'sourcer[web]'"
        ) from None
    hosts = trusted_hosts()
    if host not in LOOPBACK:
        warn(
            f"listening on {host}: other machines can reach this page and use your library; "
            "keep it behind your network's access rules"
        )
        # Only the names of this machine are answered (DNS rebinding needs another name).
        hosts = [*hosts, host] if host not in EVERYWHERE else [*hosts, *machine_names()]
    app = create_app(terms_dirs=app_from(ctx).terms_dirs, hosts=hosts)
    _check_free(host, port)  # Werkzeug would print several lines and exit on its own
    server = make_server(host, port, app, threaded=True)
    reachable = socket.gethostname() if host in EVERYWHERE else host
    shown = f"[{reachable}]" if ":" in reachable else reachable
    url = f"http://{shown}:{server.server_port}/"
    note(f"sourcer is serving {url} (Ctrl-C to stop)")
    if open_page:
        click.launch(url)
    try:
        server.serve_forever()  # returns on Ctrl-C (Werkzeug catches KeyboardInterrupt)
    finally:
        server.server_close()
    note("stopped")


def _check_free(host: str, port: int) -> None:
    """A one-line error when the address cannot be listened on (a port in use, a host name
    this machine does not have)."""
    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    except OSError as err:
        if err.errno == errno.EADDRINUSE:
            raise click.ClickException(
                f"port {port} is already in use on {host}; pass another with --port"
            ) from None
        reason = err.strerror or str(err)
        raise click.ClickException(f"cannot listen on {host}:{port}: {reason}") from None


def machine_names() -> list[str]:
    """The names and addresses people may use for this machine (SOURCER_HOSTS adds more)."""
    names = {socket.gethostname(), socket.getfqdn()}
    for name in list(names):
        try:
            for *_, address in socket.getaddrinfo(name, None):
                names.add(str(address[0]))
        except OSError:
            continue
    return sorted(n for n in names if n)
