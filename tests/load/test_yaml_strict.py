"""The strict YAML loader: YAML 1.2 core scalars, and every construct it refuses, with its position."""

from __future__ import annotations

import textwrap

import pytest
from hypothesis import given
from hypothesis import strategies as st

from peereval.load.yaml_strict import MAX_BYTES, Document, load_text
from peereval.problems import Problem


def load(text: str) -> Document | Problem:
    return load_text("cases/2025/x.yaml", textwrap.dedent(text).encode("utf-8"))


def loaded(text: str) -> Document:
    document = load(text)
    assert isinstance(document, Document), document
    return document


def rejected(text: str | bytes) -> Problem:
    raw = text if isinstance(text, bytes) else textwrap.dedent(text).encode("utf-8")
    problem = load_text("cases/2025/x.yaml", raw)
    assert isinstance(problem, Problem), problem
    return problem


SCALARS = [
    ("date_stays_a_string", "2025-01-01", "2025-01-01"),
    ("yes_is_a_string", "yes", "yes"),
    ("no_is_a_string", "no", "no"),
    ("on_is_a_string", "on", "on"),
    ("capital_true_is_a_string", "True", "True"),
    ("true", "true", True),
    ("false", "false", False),
    ("null", "null", None),
    ("tilde", "~", None),
    ("decimal", "42", 42),
    ("negative", "-7", -7),
    ("leading_zero_is_a_string_not_octal", "010", "010"),
    ("octal_literal_is_a_string", "0o17", "0o17"),
    ("hex_is_a_string", "0x1F", "0x1F"),
    ("sexagesimal_is_a_string", "1:30", "1:30"),
    ("float", "7.5", 7.5),
    ("exponent", "1e3", 1000.0),
    ("leading_zero_float_is_a_string", "007.5", "007.5"),
    ("quoted_number_is_a_string", "'42'", "42"),
    ("quoted_true_is_a_string", '"true"', "true"),
    ("chinese", "优秀", "优秀"),
]


@pytest.mark.parametrize(("text", "expected"), [s[1:] for s in SCALARS], ids=[s[0] for s in SCALARS])
def test_scalars_follow_the_yaml_1_2_core_schema_narrowed(text: str, expected: object) -> None:
    assert loaded(f"value: {text}\n").data == {"value": expected}


def test_mapping_keys_are_always_strings() -> None:
    assert loaded("2027: a\ntrue: b\n").data == {"2027": "a", "true": "b"}


def test_positions_point_at_each_value_and_key() -> None:
    document = loaded(
        """\
        case: QZ2025-001
        scores:
          meeting: 9
          opinion: 18.5
        """
    )
    assert document.source.position("/scores/opinion") == (4, 12)
    assert document.source.position("/scores/opinion", key=True) == (4, 3)
    assert document.source.position("/scores/missing") == (3, 3)  # falls back to its parent


def test_a_byte_order_mark_is_stripped() -> None:
    assert loaded("\ufeffa: 1\n").data == {"a": 1}


REJECTIONS = [
    ("duplicate_key", "a: 1\nb: 2\na: 3\n", "E-YAML-DUPLICATE-KEY", 3, 1),
    ("nested_duplicate_key", "a:\n  b: 1\n  b: 2\n", "E-YAML-DUPLICATE-KEY", 3, 3),
    ("anchor", "a: &x 1\n", "E-YAML-ANCHOR", 1, 4),
    ("alias", "a: 1\nb: *x\n", "E-YAML-ANCHOR", 2, 4),
    ("anchor_and_alias", "a: &x [1]\nb: *x\n", "E-YAML-ANCHOR", 1, 4),
    ("merge_key", "a: 1\n<<: {b: 2}\n", "E-YAML-MERGE-KEY", 2, 1),
    ("python_tag", "a: !!python/object:os.system x\n", "E-YAML-TAG", 1, 4),
    ("custom_tag", "a: !secret x\n", "E-YAML-TAG", 1, 4),
    ("timestamp_tag", "a: !!timestamp 2025-01-01\n", "E-YAML-TAG", 1, 4),
    ("tab_in_indentation", "a:\n\t- b\n", "E-YAML-TAB", 2, 1),
    ("big_integer", "a: 1234567890123456789\n", "E-YAML-BIG-INTEGER", 1, 4),
    ("complex_key", "? [a, b]\n: 1\n", "E-YAML-KEY", 1, 3),
    ("two_documents", "a: 1\n---\nb: 2\n", "E-YAML-MULTIPLE-DOCUMENTS", 2, 1),
    ("syntax_error", "a: [1, 2\nb: 3\n", "E-YAML-SYNTAX", 2, 2),
    ("empty_file", "", "E-YAML-EMPTY", 1, 1),
    ("only_comments", "# nothing\n", "E-YAML-EMPTY", 1, 1),
]


@pytest.mark.parametrize(
    ("text", "code", "line", "column"), [r[1:] for r in REJECTIONS], ids=[r[0] for r in REJECTIONS]
)
def test_each_refused_construct_is_reported_at_its_position(text: str, code: str, line: int, column: int) -> None:
    problem = rejected(text)
    assert (problem.path, problem.code, problem.line, problem.column) == ("cases/2025/x.yaml", code, line, column)


def test_nesting_deeper_than_64_levels_is_refused() -> None:
    assert rejected("a: " + "[" * 70 + "]" * 70 + "\n").code == "E-YAML-TOO-DEEP"


def test_nesting_of_64_levels_is_accepted() -> None:
    assert isinstance(load("a: " + "[" * 62 + "]" * 62 + "\n"), Document)


def test_bytes_that_are_not_utf8_are_refused_with_their_line() -> None:
    problem = rejected(b"a: 1\nb: \xff\xfe\n")
    assert (problem.code, problem.line, problem.column) == ("E-FILE-ENCODING", 2, 4)


def test_files_over_one_mebibyte_are_refused_unparsed() -> None:
    problem = rejected(b"a: " + b"x" * MAX_BYTES + b"\n")
    assert (problem.code, problem.line) == ("E-FILE-TOO-LARGE", 0)


def test_a_billion_laughs_cannot_expand() -> None:
    bomb = "a: &a [x, x]\nb: &b [*a, *a]\nc: &c [*b, *b]\n"
    assert rejected(bomb).code == "E-YAML-ANCHOR"


@given(st.binary(max_size=400))
def test_the_loader_never_raises_on_any_bytes(raw: bytes) -> None:
    result = load_text("x.yaml", raw)
    assert isinstance(result, Document | Problem)


YAML_PIECES = st.sampled_from(
    [
        "a: 1\n",
        "- x\n",
        "  ",
        "\t",
        "&a ",
        "*a ",
        "!!str ",
        "<<: ",
        "? ",
        ": ",
        "[",
        "]",
        "{",
        "}",
        ",",
        "'",
        '"',
        "|\n",
        ">\n",
        "---\n",
        "...\n",
        "#c\n",
        "2025-01-01",
        "\n",
        "优秀",
        "\\",
        "%YAML 1.1\n",
    ]
)


@given(st.lists(YAML_PIECES, max_size=40).map("".join))
def test_the_loader_never_raises_on_yaml_like_text(text: str) -> None:
    result = load_text("x.yaml", text.encode("utf-8"))
    assert isinstance(result, Document | Problem)
