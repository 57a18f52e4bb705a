"""Click parameter types: input is checked where it is parsed (as click does)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click


class IsoDate(click.ParamType):  # type: ignore[type-arg]  # generic only in newer click
    """A ``YYYY-MM-DD`` date."""

    name = "date"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> datetime.date:
        if isinstance(value, datetime.date):
            return value
        try:
            return datetime.date.fromisoformat(str(value))
        except ValueError:
            self.fail(f"{value!r} 不是 YYYY-MM-DD 格式的日期", param, ctx)


ISO_DATE = IsoDate()

repo_option = click.option(
    "--repo",
    "repo",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="评估仓库的目录（The evaluation repository）。",
)
as_of_option = click.option(
    "--as-of",
    "as_of",
    type=ISO_DATE,
    default=None,
    help="按哪一天适用规则（默认：今天）。",
)


F = TypeVar("F", bound=Callable[..., Any])


def format_option(*choices: str) -> Callable[[F], F]:
    return click.option("--format", "output_format", type=click.Choice(choices), default=choices[0], show_default=True)


def today_if_none(as_of: datetime.date | None) -> datetime.date:
    """``--as-of`` or the real date: the only place the clock is read."""
    return as_of if as_of is not None else datetime.date.today()
