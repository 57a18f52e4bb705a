"""The letters of a repository as PDF files (Art. 18, 21, 23, 24): HTML, privacy scan, manifest, output.

1. Each :class:`~peereval.publish.letter_views.Letter` becomes HTML through
   Jinja2 (autoescaped, strict) from ``site_templates/letters/``; the HTML of
   every letter of every round is scanned for every private value before
   anything is written (:func:`prepare_letters`).
2. A content hash of each letter's inputs (its view model, its HTML, every file
   of the templates folder, the CJK font files, WeasyPrint's version) is kept in
   ``.manifest.json`` beside the PDFs: a letter whose hash and PDF are unchanged is
   skipped; a letter no longer issued is removed (:func:`render_batch`).
3. The others render in parallel (:mod:`peereval.publish.letters_pdf`).
4. PDFs are reproducible: the creation date comes from ``SOURCE_DATE_EPOCH`` or
   the letter's own date, the file carries no random identifier, and fonts are
   subset with HarfBuzz — the same inputs give the same bytes. Writes are atomic.
5. :func:`write_repository_letters` does all of it for a repository: ``<out>/<round>/<name>.pdf``
   (docs/letters.md); by default ``build/letters/`` when the publication policy puts
   letters on the site, else ``dist/letters/`` (:func:`default_letters_dir`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from pathlib import Path

import jinja2

from peereval.calendar import build_work_calendar
from peereval.load.repo import LoadResult, load_repository
from peereval.load.visibility import VisibleValue, private_values
from peereval.model import Scheme
from peereval.problems import PeerevalError
from peereval.publish.files import own_or_project
from peereval.publish.letter_layout import (
    chinese_numeral,
    date_label,
    issuer_size,
    percent_label,
    score_label,
    weekday_label,
)
from peereval.publish.letter_models import KIND_NAMES, Letter, LetterKind
from peereval.publish.letter_views import round_letters
from peereval.publish.letters_manifest import is_current, letter_digest, read_manifest, shared_inputs, write_manifest
from peereval.publish.letters_pdf import Job, check_toolchain, default_jobs, run_jobs
from peereval.publish.privacy import Leak, find_leaks
from peereval.rules.verdict import Signatures

BEIJING = timezone(timedelta(hours=8))


class LetterInputError(PeerevalError):
    """The records have errors, or a letter would show a private value: nothing was written (exit 1)."""


class LetterLeakError(LetterInputError):
    """A private value appears in a letter; nothing was written."""

    def __init__(self, leaks: Sequence[Leak]) -> None:
        self.leaks = tuple(leaks)
        super().__init__("\n".join(leak.message() for leak in self.leaks))


def source_date_epoch() -> int | None:
    """``SOURCE_DATE_EPOCH`` (reproducible builds), or None when it is not set.

    :raises PeerevalError: when it is set but not a number of seconds.
    """
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return None
    if not value.isdigit():
        raise PeerevalError(f"SOURCE_DATE_EPOCH 应为 Unix 时间戳（秒数），实为 {value!r}")
    return int(value)


def default_letters_dir(repo: Path, scheme: Scheme) -> Path:
    """Where letters go (Art. 3, 18): ``build/letters/``, which the site puts next to each case page,
    when the publication policy puts letters on the site (the default); else ``dist/letters/`` for delivery."""
    return repo / ("build" if scheme.publication.letters_on_site else "dist") / "letters"


def default_template_dir(repo: Path) -> Path:
    """``site_templates/letters/`` of the evaluation repository when it has one, else this project's."""
    return own_or_project(repo, "site_templates/letters").resolve()


def template_environment(template_dir: Path) -> jinja2.Environment:
    """Jinja2 over *template_dir*: every value escaped, an unknown name an error."""
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(template_dir), autoescape=True, undefined=jinja2.StrictUndefined
    )
    environment.filters.update(
        cn=chinese_numeral,
        cn_date=date_label,
        weekday=weekday_label,
        score=score_label,
        percent=percent_label,
        kind_name=lambda kind: KIND_NAMES[LetterKind(kind)],
        mark_size=lambda mark, largest: issuer_size(mark, largest_pt=largest),
    )
    return environment


def creation_time(dated: date, *, epoch: int | None) -> str:
    """The PDF's creation time: ``SOURCE_DATE_EPOCH`` when given, else midnight of the letter's date in Beijing."""
    if epoch is not None:
        return datetime.fromtimestamp(epoch, tz=UTC).isoformat()
    return datetime.combine(dated, time(0), tzinfo=BEIJING).isoformat()


def letter_html(environment: jinja2.Environment, letter: Letter, *, epoch: int | None) -> str:
    """The HTML of *letter*; the template receives the view model and the creation time, nothing else."""
    if not isinstance(letter, Letter):
        raise TypeError(f"a letter template receives a Letter view model, not {type(letter).__name__}")
    template = environment.get_template(f"{letter.kind.value}.html")
    return template.render(letter=letter, created=creation_time(letter.head.dated, epoch=epoch))


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one run did, by letter name."""

    rendered: tuple[str, ...]
    skipped: tuple[str, ...]
    removed: tuple[str, ...]


# A progress display: given how many letters will render, a context yielding "one more is done".
Progress = Callable[[int], AbstractContextManager[Callable[[str], None]]]


@contextmanager
def _silent(total: int) -> Iterator[Callable[[str], None]]:
    yield lambda name: None


@dataclass(frozen=True, slots=True)
class Batch:
    """The letters of one folder as HTML, already scanned for private values."""

    out_dir: Path
    pages: dict[str, tuple[Letter, str]]  # name → (view model, HTML)

    @property
    def paths(self) -> tuple[Path, ...]:
        return tuple(self.out_dir / f"{name}.pdf" for name in sorted(self.pages))


def prepare_letters(
    letters: Sequence[Letter], out_dir: Path, *, template_dir: Path, secrets: Iterable[VisibleValue], epoch: int | None
) -> Batch:
    """The HTML of each letter, once no private value is found in any of them.

    :raises LetterLeakError: naming the record and field of each private value found.
    """
    environment = template_environment(template_dir)
    pages = {letter.name: (letter, letter_html(environment, letter, epoch=epoch)) for letter in letters}
    leaks = find_leaks({f"{name}.pdf": html for name, (_, html) in pages.items()}, secrets)
    if leaks:
        raise LetterLeakError(leaks)
    return Batch(out_dir=out_dir, pages=pages)


def render_batch(
    batch: Batch, *, template_dir: Path, jobs: int | None = None, progress: Progress | None = None
) -> Outcome:
    """Render every letter of *batch* whose inputs changed into ``<out_dir>/<name>.pdf``; skip the others.

    The manifest is written even when a letter fails, so the letters done are not done again.
    :raises RefusedURLError: when a template asks for a non-local resource.
    """
    out_dir, pages = batch.out_dir, batch.pages
    shared = shared_inputs(template_dir)
    manifest = read_manifest(out_dir)
    digests = {name: letter_digest(letter, html, shared) for name, (letter, html) in pages.items()}
    todo = [
        Job(name, html, str(out_dir / f"{name}.pdf"))
        for name, (_, html) in pages.items()
        if not is_current(out_dir, manifest.get(name), digests[name])
    ]
    kept = {name: entry for name, entry in manifest.items() if name in pages}
    try:
        with (progress or _silent)(len(todo)) as advance:
            for done in run_jobs(todo, workers=jobs or default_jobs(), template_dir=template_dir, progress=advance):
                kept[done.name] = {"file": f"{done.name}.pdf", "inputs": digests[done.name], "sha256": done.sha256}
    finally:
        write_manifest(out_dir, kept)
    removed = tuple(sorted(name for name in manifest if name not in pages))
    for name in removed:
        (out_dir / manifest[name].get("file", f"{name}.pdf")).unlink(missing_ok=True)
    rendered = {job.name for job in todo}
    return Outcome(rendered=tuple(sorted(rendered)), skipped=tuple(sorted(set(pages) - rendered)), removed=removed)


def render_letters(
    letters: Sequence[Letter],
    out_dir: Path,
    *,
    template_dir: Path,
    secrets: Iterable[VisibleValue],
    jobs: int | None = None,
    epoch: int | None = None,
    progress: Progress | None = None,
) -> Outcome:
    """:func:`prepare_letters` then :func:`render_batch`: the letters of one folder.

    :raises LetterLeakError: when a private value appears in any letter (nothing is written).
    :raises RefusedURLError: when a template asks for a non-local resource.
    """
    batch = prepare_letters(letters, out_dir, template_dir=template_dir, secrets=secrets, epoch=epoch)
    return render_batch(batch, template_dir=template_dir, jobs=jobs, progress=progress)


@dataclass(frozen=True, slots=True)
class RoundResult:
    """One round's letters: where they are, and what this run did."""

    round: str
    folder: Path
    paths: tuple[Path, ...]
    outcome: Outcome


def repository_batches(
    loaded: LoadResult,
    out: Path | None,
    *,
    repo: Path,
    as_of: date,
    rounds: Sequence[str],
    template_dir: Path,
    epoch: int | None,
    signatures: Signatures = None,
) -> list[tuple[str, Batch]]:
    """The letters of each round of *rounds* as HTML for ``out/<round>/``, all scanned before any is written.

    *out* defaults to :func:`default_letters_dir` of *repo*.

    :raises LetterInputError: when the records have errors (then no letter is made from them).
    :raises LetterLeakError: when a private value appears in any letter of any round.
    """
    repository = loaded.repository
    errors = sum(problem.code.startswith("E-") for problem in loaded.problems)
    if errors or repository.scheme is None:
        raise LetterInputError(f"仓库中有 {errors or 1} 个错误（请运行 peereval check）：未生成函件")
    target = out or default_letters_dir(repo, repository.scheme)
    calendar = build_work_calendar(repository.calendar)
    secrets = private_values(loaded.documents, loaded.kinds)
    batches = []
    for round_id in rounds:
        issued = round_letters(
            repository.rounds[round_id],  # type: ignore[index]
            scheme=repository.scheme,
            indicator_sets=repository.indicator_sets,
            calendar=calendar,
            experts=repository.experts,
            as_of=as_of,
            signatures=signatures,
        )
        batch = prepare_letters(issued, target / round_id, template_dir=template_dir, secrets=secrets, epoch=epoch)
        batches.append((round_id, batch))
    return batches


def write_repository_letters(
    repo: Path,
    out: Path | None = None,
    *,
    as_of: date,
    rounds: Sequence[str] | None = None,
    loaded: LoadResult | None = None,
    jobs: int | None = None,
    progress: Progress | None = None,
    signatures: Signatures = None,
) -> tuple[RoundResult, ...]:
    """Every letter of *rounds* (default: all) of *repo* on *as_of*, into ``out/<round>/<name>.pdf``.

    *out* defaults to :func:`default_letters_dir`; *loaded* saves loading *repo* again;
    *signatures* (path → state, when enforced) holds back the letters of cases not validly signed.
    :raises ToolchainError: without a Chinese font or HarfBuzz subsetting (exit 2).
    :raises LetterInputError: when the records have errors or a letter would leak (exit 1; nothing written).
    """
    check_toolchain()
    loaded = loaded or load_repository(repo)
    template_dir = default_template_dir(repo)
    chosen = list(loaded.repository.rounds) if rounds is None else list(rounds)
    batches = repository_batches(
        loaded,
        out,
        repo=repo,
        as_of=as_of,
        rounds=chosen,
        template_dir=template_dir,
        epoch=source_date_epoch(),
        signatures=signatures,
    )
    return tuple(
        RoundResult(
            round_id,
            batch.out_dir,
            batch.paths,
            render_batch(batch, template_dir=template_dir, jobs=jobs, progress=progress),
        )
        for round_id, batch in batches
    )
