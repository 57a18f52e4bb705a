"""The ``peereval`` command: parse options, call the core, report, exit.

Exit codes: 0 all good, 1 problems found, 2 usage or environment error.
Commands hold no rule; each lives in its own module and is registered here.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

import click

from peereval import __version__
from peereval.problems import PeerevalError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="peereval")
def cli() -> None:
    """peereval：法律援助案件质量评估 (the Quanzhou legal aid case quality evaluation)."""


def _register() -> None:
    from peereval.cli import (
        build,
        calendar,
        check,
        codeowners,
        draw,
        exclusions,
        init,
        letters,
        new,
        schema,
        sign,
        signatures,
        site,
        status,
        verdicts,
    )

    for command in (
        build.build,
        check.check,
        draw.sample,
        draw.draw,
        init.init,
        schema.schema,
        calendar.calendar,
        status.status,
        exclusions.exclusions,
        verdicts.verdicts,
        verdicts.stats,
        letters.letters,
        new.new,
        signatures.signatures,
        sign.sign,
        codeowners.codeowners,
        site.site,
    ):
        cli.add_command(command)


_register()


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
