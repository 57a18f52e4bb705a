"""Writing files without ever leaving half a file behind."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

# The peereval project (a source checkout: ``pip install -e .``): its mkdocs.yml and site_templates/ serve
# every evaluation repository that has none of its own, and ``peereval init`` copies them into new ones.
PROJECT_ROOT = Path(__file__).resolve().parents[3]


def own_or_project(repo: Path, relative: str) -> Path:
    """*relative* in the evaluation repository *repo* when it has it, else this project's (the default)."""
    own = repo / relative
    return own if own.exists() else PROJECT_ROOT / relative


def _as_created(temporary: str) -> None:
    """Give a temporary file the mode an ordinary new file would have (mkstemp makes it owner-only).

    Published files (the site, the letters) must stay readable by the web server and
    the Pages upload, and data files by the other people working in the repository.
    """
    mask = os.umask(0)
    os.umask(mask)
    os.chmod(temporary, 0o666 & ~mask)


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write *data* to *path* through a temporary file and a rename.

    A reader sees the old file or the new one, never a mix; a crash leaves at
    most a stray temporary file beside it, never a truncated *path*.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        _as_created(temporary)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_text_atomic(path: Path, text: str) -> None:
    write_bytes_atomic(path, text.encode("utf-8"))


def create_exclusive(path: Path, text: str) -> bool:
    """Write *path* only if it does not exist yet; False (nothing written) if it does.

    The new file is complete before it appears: it is written beside *path* and
    hard-linked into place, which fails rather than replace a file that appeared
    in the meantime.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(text.encode("utf-8"))
        _as_created(temporary)
        os.link(temporary, path)
    except FileExistsError:
        return False
    finally:
        Path(temporary).unlink(missing_ok=True)
    return True
