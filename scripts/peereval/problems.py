"""Problems: bad input is data, not an exception.

Every rule and loader yields :class:`Problem` values; commands collect them all
and report them together, sorted, so that staff fix a file once, not once per
error. Exceptions are kept for bugs and the environment (:class:`PeerevalError`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True, order=True)
class Problem:
    """One finding, pointing at a place in a repository file.

    ``line`` is 1-based; 0 means the whole file. ``code`` is a stable English
    slug from :data:`CODES`; ``message`` is Chinese, for the people who fix it.
    """

    path: str
    line: int
    column: int
    code: str
    message: str
    pointer: str = ""

    @property
    def severity(self) -> Severity:
        return Severity.WARNING if self.code.startswith("W-") else Severity.ERROR

    def as_text(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.code} {self.message}"

    def as_json(self) -> dict[str, str | int]:
        return {
            "severity": self.severity.value,
            "code": self.code,
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "message": self.message,
        }


class PeerevalError(Exception):
    """The environment or the invocation is wrong (exit code 2), not the data."""


@dataclass(frozen=True, slots=True)
class Code:
    """What a problem code means: the article it enforces and a short English gloss."""

    article: str
    summary: str


# One table, one definition per code. Docs (docs/codes.md) are generated from it
# and a test fails when a module emits a code that is not listed here.
CODES: Mapping[str, Code] = {
    # Reading files (load/yaml_strict.py)
    "E-FILE-UNREADABLE": Code("", "the file cannot be read"),
    "E-FILE-TOO-LARGE": Code("", "the file is over 1 MiB"),
    "E-FILE-ENCODING": Code("", "the file is not UTF-8"),
    "E-FILE-NAME": Code("", "a file or folder name is not a safe id"),
    "E-FILE-UNEXPECTED": Code("", "a file where the layout has no place for it"),
    "E-FILE-MISSING": Code("", "a file the repository must have is missing"),
    "E-YAML-SYNTAX": Code("", "YAML syntax error"),
    "E-YAML-TAB": Code("", "a tab in indentation"),
    "E-YAML-DUPLICATE-KEY": Code("", "a key appears twice in one mapping"),
    "E-YAML-ANCHOR": Code("", "anchors and aliases are not allowed"),
    "E-YAML-MERGE-KEY": Code("", "merge keys (<<) are not allowed"),
    "E-YAML-TAG": Code("", "a tag outside the YAML 1.2 core schema"),
    "E-YAML-TAG-VALUE": Code("", "a value that does not fit its core tag (!!int 1.5, !!bool yes, !!str on a list)"),
    "E-YAML-KEY": Code("", "a mapping key that is not a plain scalar"),
    "E-YAML-BIG-INTEGER": Code("", "an integer of more than 18 digits"),
    "E-YAML-NOT-FINITE": Code("", "an infinite or not-a-number value (.inf, .nan, 1e400)"),
    "E-YAML-TOO-DEEP": Code("", "nesting deeper than 64 levels"),
    "E-YAML-MULTIPLE-DOCUMENTS": Code("", "more than one YAML document in a file"),
    "E-YAML-EMPTY": Code("", "the file holds no data"),
    # Schemas (load/schema.py)
    "E-SCHEMA-VIOLATION": Code("", "the record does not match its JSON Schema"),
    "E-CSV-MALFORMED": Code("5", "the closed-case export is malformed"),
    # Identity and references (rules/references.py)
    "E-ID-MISMATCH": Code("", "a record's id differs from its file name"),
    "E-REF-UNKNOWN-ROUND": Code("5", "files of a round that has no round.yaml"),
    "E-REF-UNKNOWN-EXPERT": Code("9", "an expert id that has no file in experts/"),
    "E-REF-UNKNOWN-CASE": Code("9", "a case id that has no file in the round"),
    "E-REF-UNKNOWN-INDICATOR-SET": Code("12", "an indicator set that does not exist"),
    "E-REF-INDICATOR-SET-MISMATCH": Code("12", "a scoresheet uses another set than the round assigns"),
    "E-REF-UNKNOWN-ITEM": Code("12", "a score for an item the indicator set does not have"),
    "E-REF-MISSING-ITEM": Code("13", "an indicator item left unscored"),
    "E-REF-UNKNOWN-AUTO-FAIL": Code("15", "an Art. 15 condition id that scheme.yaml does not define"),
    "E-REF-CASE-TYPE": Code("9", "a case type with no indicator set or panel in the round"),
    "E-REF-NOT-ON-PANEL": Code("13", "a scoresheet by an expert who is not on the case's panel"),
    "E-REF-WRITER": Code("17", "the summary's writer is not the panel's designated writer"),
    "E-REF-CASE-NOT-ON-PANEL": Code("9", "a case that no panel, or more than one, evaluates"),
    "E-REF-OBJECTION-CASE": Code("20", "an objection to a case with no summary"),
    "E-REF-MISMATCH": Code("", "a record names another case or expert than its place in the tree"),
    "E-REF-MISSING-SCORESHEET": Code("16", "a summary issued before every member's scoresheet"),
    "E-REF-REVIEW": Code("21", "a re-review record without the decision or group it needs"),
    # Scores and verdicts
    "E-ART14-GRADE": Code("14", "a summary grade the scores do not give"),
    "E-ART15-NOT-RAISED": Code("15", "an accepted Art. 15 condition that no member raised"),
    "E-ART16-MEAN-SCORE": Code("16", "a summary mean that is not the mean of the members' totals"),
    "E-ART12-POINTS-SUM": Code("12", "indicator items do not sum to 100"),
    "E-ART12-GRADE-ORDER": Code("12", "grade thresholds are not descending"),
    "E-ART12-DUPLICATE-ITEM": Code("12", "an indicator item id is used twice"),
    "E-ART13-SCORE-RANGE": Code("13", "a score outside 0..points"),
    "E-ART16-REASONS": Code("16", "an excellent or fail conclusion without reasons"),
    "E-ART17-ESCALATION": Code("17", "a leading-group decision where the panel agreed"),
    "W-ART17-AWAITING-DECISION": Code("17", "a disagreement the leading group has not decided yet"),
    "W-ART17-NO-DISAGREEMENT": Code(
        "17", "recorded as a disagreement though every member's scoresheet gives one grade"
    ),
    # Dates
    "E-DATE-CLOSED-OUTSIDE-PERIOD": Code("5", "a case closed outside the round's period"),
    "E-DATE-ORDER": Code("", "dates in the wrong order"),
    "E-DATE-DECISION-AFTER": Code("6", "a decision dated after what it authorises"),
    "E-ART16-LATE-SUBMISSION": Code("16", "a scoresheet submitted after the deadline, not recorded late"),
    # Experts and panels
    "E-ART7-PRACTICE-YEARS": Code("7(1)", "fewer practising years than the scheme requires"),
    "E-ART7-PENALTY": Code("7(3)", "a penalty in force"),
    "E-ART6-NOT-APPOINTED": Code("6(2)", "an expert not appointed, or dismissed, on the draw date"),
    "E-ART25-BARRED": Code("25", "an expert barred from evaluation"),
    "E-ART9-PANEL-SIZE": Code("9", "a panel below the minimum size"),
    "E-ART9-DESIGNATION": Code("9", "a designated panel without a leading-group decision"),
    "E-ART9-PANEL-CAP": Code("9", "an expert on more panels than the round allows"),
    "E-ART10-DECISION": Code("10", "a recusal by the leading group without its decision"),
    "E-ART9-SPECIALTY": Code("9", "a panel member without the case type among their specialties"),
    "E-ART21-REVIEW-SIZE": Code("21", "a re-review group below the minimum size"),
    "E-ART21-REVIEW-MEMBER": Code("21", "a re-review member who took part in the first evaluation"),
    "E-ART22-GROUNDS": Code("22", "re-review on ground 22(2) before the supplement was received"),
    # Scheme validity
    "E-ART27-EXPIRED": Code("27", "a round dated after the scheme expires"),
    "W-ART27-EXPIRING": Code("27", "the scheme expires within 90 days"),
    # Deadlines (rules/deadlines.py)
    "E-ART20-LATE-OBJECTION": Code("20", "an objection filed after its window, no late decision"),
    "W-ART16-OVERDUE": Code("16", "a summary sheet still missing after the submission deadline"),
    "W-ART18-LATE-NOTICE": Code("18", "conclusions notified late, or not yet and overdue"),
    "W-ART21-LATE-REPLY": Code("21", "the written reply without re-review late, or not yet and overdue"),
    "W-ART23-LATE-REVIEW": Code("23", "the re-review concluded late, or not yet and overdue"),
    "W-ART24-LATE-NOTICE": Code("24", "a changed re-review result notified late, or not yet and overdue"),
    "E-CALENDAR-UNKNOWN-YEAR": Code("", "a period reaches a year with no working-day data"),
    # Calendar (calendar.py: calendar_problems)
    "E-CALENDAR-YEAR": Code("", "a calendar.yaml date outside its year (or the December before)"),
    "E-CALENDAR-CONFLICT": Code("", "a date listed both as holiday and as make-up working day"),
    "W-CALENDAR-WORKDAY-WEEKDAY": Code("", "a make-up working day that is a weekday anyway"),
    "W-CALENDAR-DISAGREES": Code("", "calendar.yaml and chinese-calendar disagree on a day"),
    # Signatures (gitsign.py)
    "E-SIGN-UNSIGNED": Code("17", "an owned file whose latest change is unsigned or uncommitted"),
    "E-SIGN-WRONG-SIGNER": Code("17", "an owned file signed by someone other than its owner"),
    "E-SIGN-UNKNOWN-KEY": Code("17", "an owned file signed with a key the registry does not know"),
    "E-SIGN-EXPIRED": Code("17", "an owned file signed with its owner's key outside its validity dates"),
    "E-SIGN-REVOKED": Code("17", "an owned file signed with its owner's key on or after its revocation"),
    "E-SIGN-BAD-SIGNATURE": Code("17", "a signature that does not verify"),
    "E-SIGN-STALE": Code("17", "a summary signature that records an earlier version of the summary"),
    "E-SIGN-UNTRUSTED": Code("17", "an owned file changed after a registry change no leader signed"),
    "E-SIGN-NO-OWNER": Code("17", "a summary sheet whose designated writer is not recorded"),
    "E-SIGN-KEY-SHARED": Code("17", "one signing key registered for more than one person"),
    "E-SIGN-REGISTRY-UNSIGNED": Code("17", "a registry change not signed by a leading-group member (fails closed)"),
    "E-SIGN-BACKDATED": Code("", "a committer date more than a day before its parent's"),
    "E-SIGN-FUTURE-DATE": Code("", "a committer date in the future"),
    "E-SIGN-EVIL-MERGE": Code("", "a merge whose tree differs from the automatic merge of its parents"),
    "E-SIGN-SQUASHED": Code(
        "17",
        "a squash or rebase merge dropped signed commits (several owners' files in one commit, or GitHub's squash/rebase button, or git merge --squash)",
    ),
    "E-SIGN-CODEOWNERS": Code("", ".github/CODEOWNERS differs from the ownership map"),
    "W-SIGN-MERGE-CONFLICT": Code("", "a merge that resolved conflicts by hand"),
    "W-SIGN-MERGE-UNCHECKED": Code("", "an octopus merge that cannot be compared with an automatic merge"),
    "W-SIGN-NOT-ENFORCED": Code("17", "signatures were not enforced: no trust root given"),
    # Draw (rules/draw.py)
    "E-CSV-DUPLICATE": Code("5", "a case id or case number listed twice in the closed-case export"),
    "E-CSV-UNKNOWN-TYPE": Code("5", "a case type in the closed-case export that the scheme does not know"),
    "E-SAMPLE-RECORD": Code("5", "sample.yaml differs from the sample recomputed from the seed"),
    "W-SAMPLE-NOT-RECORDED": Code("5", "the round has no sample.yaml yet"),
    "E-SAMPLE-MISSING-CASE": Code("5", "a sampled case without its case file"),
    "E-SAMPLE-NOT-DRAWN": Code("5", "a case file for a case the sample did not draw"),
    "E-SAMPLE-CASE-DIFFERS": Code("5", "a case file that differs from its row in the closed-case export"),
    "E-DRAW-SEED": Code("9", "panels.yaml's seed is not round.yaml's seed value, or there is none"),
    "E-DRAW-PANEL-MISSING": Code("9", "a panel the recomputed draw forms is missing"),
    "E-DRAW-PANEL-UNEXPECTED": Code("9", "a random panel the recomputed draw does not form"),
    "E-DRAW-CASES": Code("9", "a panel's cases differ from the recomputed assignment"),
    "E-DRAW-MEMBER": Code(
        "9", "a member the recomputed draw does not give (ineligible, over the cap, ranked too high)"
    ),
    "E-DRAW-MEMBER-MISSING": Code("9", "a member the recomputed draw gives is missing"),
    "E-DRAW-WRITER": Code("17", "the designated writer differs from the draw's rule"),
    "E-DRAW-POOL": Code("9", "a recorded candidate list differs from the recomputed one"),
    "E-DRAW-UNAVAILABLE": Code("9", "a designated member unavailable on the draw date"),
    "E-ART9-DESIGNATED-NOT-DIFFICULT": Code("9", "a designated panel evaluates a case not marked difficult"),
    "E-DRAW-RECUSAL-MISSING": Code(
        "10", "a conflict the draw detects or the expert declared, not recorded as a recusal"
    ),
    "E-DRAW-RECUSAL-UNEXPECTED": Code("10", "a recorded recusal with no ground in the data or decisions"),
    "E-DRAW-RECUSAL": Code("10", "a recusal's ground or source differs from the recomputed one"),
    "E-DRAW-REPLACEMENT": Code("10", "a replacement differs from the recomputed replacement draw"),
    "E-ART10-DISMISSAL": Code("10", "a dismissed conflict that is not a detected ground or has no reason"),
    "W-DRAW-WRITER-RECUSED": Code("17", "the designated writer must recuse from one of the panel's cases"),
}


def problem_sort_key(problem: Problem) -> tuple[str, int, int, str]:
    return (problem.path, problem.line, problem.column, problem.code)
