"""The verdict's status machine with signatures enforced: final only when every file counts (Art. 17, issue 6)."""

from __future__ import annotations

from pathlib import Path

import pytest

from peereval.rules.ownership import State
from peereval.rules.verdict import Status, case_status
from tests.minirepo import files
from tests.rules.test_verdict import AS_OF, CASE, SHEETS, records, signed

SIGNATURES = tuple(f"scoresheets/2025/QZ2025-002/signatures/{expert}.yaml" for expert in ("E0001", "E0002"))
ALL_VALID = dict.fromkeys((*SHEETS, *SIGNATURES), State.VALID)


@pytest.mark.article("17")
def test_without_enforcement_the_signature_files_alone_make_a_case_final(tmp_path: Path) -> None:
    assert case_status(records(tmp_path, signed(files())), CASE, as_of=AS_OF, signatures=None) is Status.FINAL


@pytest.mark.article("17")
def test_with_every_scoresheet_and_signature_validly_signed_the_case_is_final(tmp_path: Path) -> None:
    assert case_status(records(tmp_path, signed(files())), CASE, as_of=AS_OF, signatures=ALL_VALID) is Status.FINAL


@pytest.mark.article("17")
@pytest.mark.parametrize("path", [*SHEETS, *SIGNATURES])
@pytest.mark.parametrize("state", [s for s in State if s is not State.VALID])
def test_one_file_that_does_not_count_keeps_the_case_signing(tmp_path: Path, path: str, state: State) -> None:
    signatures = {**ALL_VALID, path: state}
    assert case_status(records(tmp_path, signed(files())), CASE, as_of=AS_OF, signatures=signatures) is Status.SIGNING


@pytest.mark.article("17")
def test_a_file_missing_from_the_enforced_states_does_not_count(tmp_path: Path) -> None:
    signatures = {path: state for path, state in ALL_VALID.items() if path != SHEETS[0]}
    assert case_status(records(tmp_path, signed(files())), CASE, as_of=AS_OF, signatures=signatures) is Status.SIGNING
