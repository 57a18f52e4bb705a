"""The ``peereval`` command: parse options, call the core, report, exit.

Exit codes: 0 all good, 1 problems found, 2 usage or environment error.
Commands hold no rule; each lives in its own module and is registered here.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence

import click

from peereval import __version__
from peereval.problems import PeerevalError

# command → (module of peereval.cli, attribute). A command's module is imported only when that command
# runs (click's lazy-loading pattern): start-up stays small for quick commands and pre-commit hooks.
COMMANDS: dict[str, tuple[str, str]] = {
    "build": ("build", "build"),
    "calendar": ("calendar", "calendar"),
    "check": ("check", "check"),
    "codeowners": ("codeowners", "codeowners"),
    "draw": ("draw", "draw"),
    "exclusions": ("exclusions", "exclusions"),
    "init": ("init", "init"),
    "letters": ("letters", "letters"),
    "new": ("new", "new"),
    "sample": ("draw", "sample"),
    "schema": ("schema", "schema"),
    "sign": ("sign", "sign"),
    "signatures": ("signatures", "signatures"),
    "site": ("site", "site"),
    "stats": ("verdicts", "stats"),
    "status": ("status", "status"),
    "verdicts": ("verdicts", "verdicts"),
}


class LazyGroup(click.Group):
    """The commands of :data:`COMMANDS`, each imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module, attribute = COMMANDS[cmd_name]
        command = getattr(importlib.import_module(f"peereval.cli.{module}"), attribute)
        assert isinstance(command, click.Command) and command.name == cmd_name, cmd_name
        return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="peereval")
def cli() -> None:
    """peereval：法律援助案件质量评估 (the Quanzhou legal aid case quality evaluation)."""


def run(args: Sequence[str] | None = None) -> int:
    """Run one command and return its exit code; *args* default to ``sys.argv[1:]``."""
    try:
        code = cli.main(args=list(args) if args is not None else None, prog_name="peereval", standalone_mode=False)
    except click.exceptions.Exit as done:
        code = done.exit_code
    except click.ClickException as error:
        error.show()
        code = 2
    except click.Abort:
        click.echo("已中止", err=True)
        code = 2
    except PeerevalError as error:
        click.echo(f"peereval: {error}", err=True)
        code = 2
    return code if isinstance(code, int) else 0


def main() -> None:
    sys.exit(run())
