"""The ``leadpecker`` command: one entry point, a sub-command per feature.

This module only assembles: the feature CLIs share their helpers through kit/cli_support.py,
and no module of leadpecker imports this one but the entry point (``python -m leadpecker``)."""

from __future__ import annotations

import importlib
from typing import Any

import typer
from pydantic import ValidationError
from typer.core import TyperGroup

from leadpecker import __version__
from leadpecker.accounts.cli import accounts_app, credits_app, keys_app, users_app
from leadpecker.activity.cli import activity_app
from leadpecker.campaigns.cli import campaigns_app, enrolments_app
from leadpecker.demo.cli import register_demo
from leadpecker.kit.cli_errors import failure_line
from leadpecker.kit.cli_support import report_error
from leadpecker.kit.logs import configure_logging
from leadpecker.leads.cli import enrichment_app, leads_app
from leadpecker.prospects.cli import prospects_app
from leadpecker.serve import register_serve
from leadpecker.settings import get_settings
from leadpecker.webhooks.cli import webhooks_app
from leadpecker.worker import register_worker

# The click that typer runs on (its own copy since typer 0.2x, click itself before): its error
# classes, found through the one typer exports.
_click_errors = importlib.import_module(typer.BadParameter.__module__)


class _Leadpecker(TyperGroup):
    """The root command, which every sub-command runs inside: a failure the operator can fix
    (kit/cli_errors.py says which) ends here as one line on stderr, ``error: …``, and exit
    code 1; a mistake in the command line itself (unknown option, bad value) as one line and
    exit code 2, click's. Anything else is a bug and keeps its traceback."""

    def make_context(self, info_name: str | None, args: list[str], parent: Any = None, **extra: Any) -> Any:
        # The root's own options and sub-command name are parsed here, before invoke().
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except getattr(_click_errors, "NoArgsIsHelpError", ()):
            raise  # ``leadpecker`` alone: its help, as typer shows it
        except _click_errors.UsageError as error:
            raise _usage_exit(error, info_name or "leadpecker") from None

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except getattr(_click_errors, "NoArgsIsHelpError", ()):
            raise  # a group named without a sub-command: its help, as typer shows it
        except _click_errors.UsageError as error:
            raise _usage_exit(error, (error.ctx or ctx).command_path) from None
        except (_click_errors.ClickException, typer.Exit, typer.Abort):
            raise
        except Exception as error:
            line = failure_line(error, _configured_database_url())
            if line is None:
                raise
            report_error(line)
            raise typer.Exit(1) from None


def _usage_exit(error: Any, command: str) -> typer.Exit:
    """A mistake in the command line: one line saying where help is (typer would print the
    usage and a boxed message), and click's exit code."""
    report_error(f"{error.format_message().rstrip('.')} — see {command} --help")
    return typer.Exit(error.exit_code)


def _configured_database_url() -> str | None:
    try:
        return get_settings().database_url
    except ValidationError:
        return None


def _show_version(shown: bool) -> None:
    if shown:
        typer.echo(f"leadpecker {__version__}")
        raise typer.Exit()


app = typer.Typer(
    cls=_Leadpecker,
    help="leadpecker: a self-hosted, wire-compatible Woodpecker.co prospect API.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_show_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """Runs before every sub-command: one way to log in every leadpecker process."""
    configure_logging(get_settings())


def _register() -> None:
    app.add_typer(accounts_app, name="accounts")
    app.add_typer(users_app, name="users")
    app.add_typer(keys_app, name="keys")
    app.add_typer(credits_app, name="credits")
    app.add_typer(prospects_app, name="prospects")
    app.add_typer(campaigns_app, name="campaigns")
    app.add_typer(enrolments_app, name="enrolments")
    app.add_typer(activity_app, name="activity")
    app.add_typer(leads_app, name="leads")
    app.add_typer(enrichment_app, name="enrichment")
    app.add_typer(webhooks_app, name="webhooks")
    register_serve(app)
    register_demo(app)
    register_worker(app)


_register()


def main() -> None:
    app(prog_name="leadpecker")  # also when run as ``python -m leadpecker``
