"""Writing files: whole or not at all, never over an existing file unless asked, readable like any new file."""

from __future__ import annotations

from pathlib import Path

from peereval.publish.files import create_exclusive, write_bytes_atomic


def ordinary_mode(tmp_path: Path) -> int:
    probe = tmp_path / "probe"
    probe.write_bytes(b"")
    return probe.stat().st_mode & 0o777


def test_an_atomic_write_replaces_the_file_whole_and_leaves_nothing_beside_it(tmp_path: Path) -> None:
    target = tmp_path / "site" / "index.html"
    write_bytes_atomic(target, b"one")
    write_bytes_atomic(target, b"two")
    assert target.read_bytes() == b"two"
    assert sorted(p.name for p in target.parent.iterdir()) == ["index.html"]


def test_written_files_are_readable_like_any_new_file_not_owner_only(tmp_path: Path) -> None:
    """mkstemp makes 0600 files: a published site must stay readable by the web server (umask applies)."""
    write_bytes_atomic(tmp_path / "page.html", b"x")
    assert create_exclusive(tmp_path / "case.yaml", "id: x\n")
    expected = ordinary_mode(tmp_path)
    for name in ("page.html", "case.yaml"):
        assert (tmp_path / name).stat().st_mode & 0o777 == expected


def test_create_exclusive_never_replaces_an_existing_file(tmp_path: Path) -> None:
    target = tmp_path / "QZ2025-001.yaml"
    assert create_exclusive(target, "first\n")
    assert not create_exclusive(target, "second\n")
    assert target.read_text(encoding="utf-8") == "first\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["QZ2025-001.yaml"]
