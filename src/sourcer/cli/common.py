"""What every command shares: the application context and term completion. Printing is in
:mod:`sourcer.cli.output`, shared options in :mod:`sourcer.cli.options`."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:  # imported when completing, not on every start-up
    from click.shell_completion import CompletionItem

from sourcer.home import Home, env_home
from sourcer.library.store import Layer, Library, user_layers, user_library


def sourcer_home() -> str:
    """``$SOURCER_HOME`` if set, else the platform's per-user config folder."""
    return env_home() or click.get_app_dir("sourcer")


class App:
    """Options of the top-level command, and the things built from them on demand."""

    def __init__(self, terms_dirs: tuple[str, ...] = (), home_root: str | None = None) -> None:
        self.terms_dirs = terms_dirs
        #: the home folder; None: $SOURCER_HOME or the platform's (see sourcer_home)
        self.home_root = home_root
        self._library: Library | None = None

    @property
    def home(self) -> Home:
        return Home(self.home_root or sourcer_home())

    def layers(self) -> list[Layer]:
        return user_layers(self.home, self.terms_dirs)

    def forget_library(self) -> None:
        """Read the library afresh on next use (its files changed)."""
        self._library = None

    @property
    def library(self) -> Library:
        if self._library is None:
            self._library = user_library(self.home, self.terms_dirs)
        return self._library


def app_from(ctx: click.Context) -> App:
    """The App of this invocation, also during shell completion (when callbacks don't run)."""
    root = ctx.find_root()
    if isinstance(root.obj, App):
        return root.obj
    return App(terms_dirs=tuple(root.params.get("terms_dirs") or ()))


def complete_term(
    ctx: click.Context, param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    """Shell completion for term names: slugs and one-word aliases."""
    from click.shell_completion import CompletionItem

    try:
        words = app_from(ctx).library.completions(incomplete)
    except Exception:  # completion must never print a traceback into the user's shell
        return []
    return [CompletionItem(word) for word in words]
