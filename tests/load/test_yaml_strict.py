"""The strict YAML loader: YAML 1.2 core scalars and tags, and every construct it refuses, with its position."""

from __future__ import annotations

import re
import textwrap

import pytest
from hypothesis import given
from hypothesis import strategies as st

from peereval.load.yaml_strict import MAX_BYTES, Document, load_text, locate_positions
from peereval.model import Positions, Source
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


def test_positions_are_found_once_and_only_when_a_problem_asks_for_one() -> None:
    """A clean file never pays for positions; a file with problems parses again once."""
    calls: list[int] = []

    def locate() -> Positions:
        calls.append(1)
        return locate_positions(b"a:\n  b: 1\n")

    source = Source("x.yaml", "", locate)
    assert calls == []
    assert source.problem("/a/b", "E-X", "…").line == 2
    assert source.position("/a", key=True) == (1, 1)
    assert calls == [1]


def test_a_byte_order_mark_is_stripped() -> None:
    assert loaded("\ufeffa: 1\n").data == {"a": 1}


CORE_TAGS = [
    ("str_keeps_leading_zeros", "!!str 0123", "0123"),
    ("str_of_a_number", "!!str 42", "42"),
    ("str_of_true", "!!str true", "true"),
    ("str_of_null", "!!str null", "null"),
    ("str_of_a_date", "!!str 2025-01-01", "2025-01-01"),
    ("int", "!!int -7", -7),
    ("int_of_a_quoted_number", '!!int "12"', 12),
    ("float", "!!float 7.5", 7.5),
    ("float_of_an_integer", "!!float 1", 1.0),
    ("float_of_a_quoted_number", "!!float '2.5'", 2.5),
    ("bool_true", "!!bool true", True),
    ("bool_of_a_quoted_false", '!!bool "false"', False),
    ("null_of_nothing", "!!null", None),
    ("null_of_tilde", "!!null ~", None),
    ("null_of_an_empty_string", '!!null ""', None),
    ("verbatim_core_tag", "!<tag:yaml.org,2002:int> 5", 5),
    ("seq", "!!seq [1, x]", [1, "x"]),
    ("map", "!!map {b: 1}", {"b": 1}),
    ("non_specific_tag_is_a_string", "! 12", "12"),
]


@pytest.mark.parametrize(("text", "expected"), [t[1:] for t in CORE_TAGS], ids=[t[0] for t in CORE_TAGS])
def test_core_tags_give_their_yaml_1_2_core_type(text: str, expected: object) -> None:
    assert loaded(f"value: {text}\n").data == {"value": expected}


def test_a_str_tag_on_a_key_is_accepted() -> None:
    assert loaded("!!str 2027: a\n").data == {"2027": "a"}


def test_a_tag_directive_may_name_the_core_tags() -> None:
    assert loaded("%TAG !c! tag:yaml.org,2002:\n---\na: !c!int '5'\n").data == {"a": 5}


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
    ("infinity", "a: .inf\n", "E-YAML-NOT-FINITE", 1, 4),
    ("negative_infinity", "a: -.Inf\n", "E-YAML-NOT-FINITE", 1, 4),
    ("not_a_number", "a: [1, .NaN]\n", "E-YAML-NOT-FINITE", 1, 8),
    ("float_too_large_to_be_finite", "a: 1e400\n", "E-YAML-NOT-FINITE", 1, 4),
    ("tagged_infinity", "a: !!float .inf\n", "E-YAML-NOT-FINITE", 1, 4),
    ("complex_key", "? [a, b]\n: 1\n", "E-YAML-KEY", 1, 3),
    ("two_documents", "a: 1\n---\nb: 2\n", "E-YAML-MULTIPLE-DOCUMENTS", 2, 1),
    ("syntax_error", "a: [1, 2\nb: 3\n", "E-YAML-SYNTAX", 2, 2),
    ("empty_file", "", "E-YAML-EMPTY", 1, 1),
    ("only_comments", "# nothing\n", "E-YAML-EMPTY", 1, 1),
    # Tags: the core tags must fit their value; every other tag is refused.
    ("binary_tag", "a: !!binary aGk=\n", "E-YAML-TAG", 1, 4),
    ("set_tag", "a: !!set {x: null}\n", "E-YAML-TAG", 1, 4),
    ("custom_tag_on_a_list", "a:\n  - !list [1]\n", "E-YAML-TAG", 2, 5),
    ("custom_tag_on_a_key", "!secret a: 1\n", "E-YAML-TAG", 1, 1),
    ("double_bang_redefined", "%TAG !! tag:example.com,2000:\n---\na: !!int 5\n", "E-YAML-TAG", 3, 4),
    ("int_of_a_fraction", "a: !!int 1.5\n", "E-YAML-TAG-VALUE", 1, 4),
    ("int_of_a_leading_zero", "a: !!int 010\n", "E-YAML-TAG-VALUE", 1, 4),
    ("int_of_hex", "a: !!int 0x1F\n", "E-YAML-TAG-VALUE", 1, 4),
    ("int_of_text", "a:\n  b: !!int 十二\n", "E-YAML-TAG-VALUE", 2, 6),
    ("big_integer_tagged", "a: !!int 1234567890123456789\n", "E-YAML-BIG-INTEGER", 1, 4),
    ("float_of_text", "a: !!float abc\n", "E-YAML-TAG-VALUE", 1, 4),
    ("bool_of_yes", "a: !!bool yes\n", "E-YAML-TAG-VALUE", 1, 4),
    ("bool_of_capital_true", "a: !!bool True\n", "E-YAML-TAG-VALUE", 1, 4),
    ("bool_of_one", "a: !!bool 1\n", "E-YAML-TAG-VALUE", 1, 4),
    ("null_of_text", "a: !!null none\n", "E-YAML-TAG-VALUE", 1, 4),
    ("str_on_a_mapping", "a: !!str {b: 1}\n", "E-YAML-TAG-VALUE", 1, 4),
    ("map_on_a_list", "a: !!map [1]\n", "E-YAML-TAG-VALUE", 1, 4),
    ("seq_on_a_scalar", "a: !!seq x\n", "E-YAML-TAG-VALUE", 1, 4),
    ("int_tag_on_a_key", "b: 1\n!!int 1: x\n", "E-YAML-KEY", 2, 1),
]


@pytest.mark.parametrize(
    ("text", "code", "line", "column"), [r[1:] for r in REJECTIONS], ids=[r[0] for r in REJECTIONS]
)
def test_each_refused_construct_is_reported_at_its_position(text: str, code: str, line: int, column: int) -> None:
    problem = rejected(text)
    assert (problem.path, problem.code, problem.line, problem.column) == ("cases/2025/x.yaml", code, line, column)


def test_nesting_deeper_than_64_levels_is_refused_at_the_first_node_too_deep() -> None:
    # Level 1 is the root mapping, level 2 the mapping under a, level 3 the "[" at column 6:
    # level 65, the first one too deep, is the 63rd "[", at column 6 + 62.
    problem = rejected("a:\n  b: " + "[" * 70 + "]" * 70 + "\n")
    assert (problem.path, problem.code, problem.line, problem.column) == ("cases/2025/x.yaml", "E-YAML-TOO-DEEP", 2, 68)


def test_nesting_of_64_levels_is_accepted() -> None:
    assert isinstance(load("a: " + "[" * 62 + "]" * 62 + "\n"), Document)


def test_bytes_that_are_not_utf8_are_refused_with_their_line() -> None:
    problem = rejected(b"a: 1\nb: \xff\xfe\n")
    assert (problem.path, problem.code, problem.line, problem.column) == ("cases/2025/x.yaml", "E-FILE-ENCODING", 2, 4)


def test_a_duplicate_key_names_the_line_of_its_first_occurrence() -> None:
    problem = rejected("x: 0\na: 1\nb: 2\na: 3\n")
    assert (problem.code, problem.line) == ("E-YAML-DUPLICATE-KEY", 4)
    assert re.findall(r"[0-9]+", problem.message) == ["2"]


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
        "!!int ",
        "!!null ",
        "!!map ",
        "!!binary ",
        "!c!bool ",
        "%TAG !c! tag:yaml.org,2002:\n",
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
