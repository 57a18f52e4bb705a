"""The JSON Schemas: complete metadata, positioned Chinese messages, and one verdict from both validators."""

from __future__ import annotations

import copy
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from peereval.load.repo import classify, iter_yaml_files
from peereval.load.schema import KINDS, _reference_validator, is_valid_fast, schema_files, validate
from peereval.load.yaml_strict import Document, load_text
from tests.minirepo import files, write

REPO_ROOT = Path(__file__).resolve().parents[2]
VISIBILITIES = {"public", "handler", "internal", "private"}


def properties(node: Any, where: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every property schema in *node*, with a readable location."""
    if isinstance(node, dict):
        for name, child in node.get("properties", {}).items():
            yield f"{where}.{name}", child
        for key, child in node.items():
            yield from properties(child, f"{where}/{key}")
    elif isinstance(node, list):
        for index, child in enumerate(node):
            yield from properties(child, f"{where}[{index}]")


ALL_PROPERTIES = [
    (location, body) for name, schema in schema_files().items() for location, body in properties(schema, name)
]


def test_every_kind_has_a_schema() -> None:
    assert {f"{kind}.schema.json" for kind in KINDS} | {"defs.schema.json"} == set(schema_files())


@pytest.mark.parametrize(("location", "body"), ALL_PROPERTIES, ids=[p[0] for p in ALL_PROPERTIES])
def test_every_property_says_who_may_see_it(location: str, body: dict[str, Any]) -> None:
    assert body.get("x-visibility") in VISIBILITIES, location


@pytest.mark.parametrize(("location", "body"), ALL_PROPERTIES, ids=[p[0] for p in ALL_PROPERTIES])
def test_every_property_is_described_in_chinese_and_english(location: str, body: dict[str, Any]) -> None:
    description = body.get("description", "")
    assert "/" in description and any("\u4e00" <= c <= "\u9fff" for c in description), location


def test_client_data_is_private() -> None:
    case = schema_files()["case.schema.json"]["properties"]
    assert case["client"]["x-visibility"] == "private"
    assert case["handler"]["properties"]["licence_no"]["x-visibility"] == "private"


def document(text: str, path: str = "cases/2025/QZ2025-001.yaml") -> Document:
    loaded = load_text(path, text.encode("utf-8"))
    assert isinstance(loaded, Document)
    return loaded


def test_schema_problems_point_at_the_value_in_chinese() -> None:
    text = files()["cases/2025/QZ2025-001.yaml"].replace("type: criminal", "type: crimnal")
    [problem] = validate(document(text), "case")
    assert (problem.line, problem.column, problem.code) == (3, 7, "E-SCHEMA-VIOLATION")
    assert "type" in problem.message and "crimnal" in problem.message and "之一" in problem.message


def test_an_unknown_field_is_reported_at_its_key() -> None:
    text = files()["cases/2025/QZ2025-001.yaml"] + "remarks: x\n"
    [problem] = validate(document(text), "case")
    assert (problem.line, problem.column) == (9, 1)
    assert "remarks" in problem.message


def test_an_impossible_date_is_refused() -> None:
    text = files()["cases/2025/QZ2025-001.yaml"].replace("closed_on: 2025-03-01", "closed_on: 2025-02-30")
    [problem] = validate(document(text), "case")
    assert problem.line == 5 and "YYYY-MM-DD" in problem.message


def test_every_missing_field_is_reported_once() -> None:
    problems = validate(document("id: QZ2025-001\n"), "case")
    assert len(problems) == len({p.message for p in problems}) == 7


def corpus() -> Iterator[tuple[str, str, Any]]:
    """Every record of the demo data and the minimal repository, each with mutated variants."""
    sources = [(path, (REPO_ROOT / path).read_bytes()) for path in iter_yaml_files(REPO_ROOT)]
    sources += [(path, text.encode("utf-8")) for path, text in files().items()]
    rng = random.Random(20251212)
    for path, raw in sources:
        place = classify(tuple(path.split("/")))
        loaded = load_text(path, raw)
        if place is None or not isinstance(loaded, Document):
            continue
        yield path, place.kind, loaded.data
        for number in range(6):
            yield f"{path}#mutant{number}", place.kind, mutate(loaded.data, rng)


REPLACEMENTS: list[Any] = [
    None,
    "",
    "x",
    "2025-02-30",
    "2025-13-01",
    0,
    -1,
    0.25,
    101,
    1e9,
    True,
    [],
    {},
    ["x"],
    {"x": 1},
]


def mutate(data: Any, rng: random.Random) -> Any:
    """*data* with one value replaced, one key dropped or one key added, somewhere."""
    mutant = copy.deepcopy(data)
    node = mutant
    while isinstance(node, dict | list) and node and rng.random() < 0.6:
        key = rng.choice(list(node)) if isinstance(node, dict) else rng.randrange(len(node))
        child = node[key]
        if not isinstance(child, dict | list) or not child:
            break
        node = child
    if isinstance(node, dict) and node:
        key = rng.choice(list(node))
        action = rng.randrange(3)
        if action == 0:
            node[key] = rng.choice(REPLACEMENTS)
        elif action == 1:
            del node[key]
        else:
            node["unexpected"] = 1
    elif isinstance(node, list) and node:
        node[rng.randrange(len(node))] = rng.choice(REPLACEMENTS)
    return mutant


CORPUS = list(corpus())


def test_the_corpus_is_large_enough_to_mean_something() -> None:
    assert len(CORPUS) > 500
    assert any(not is_valid_fast(kind, data) for _, kind, data in CORPUS)


@pytest.mark.parametrize("kind", KINDS)
def test_the_fast_validator_agrees_with_jsonschema_on_the_whole_corpus(kind: str) -> None:
    for path, record_kind, data in CORPUS:
        if record_kind == kind:
            reference = _reference_validator(kind).is_valid(data)
            assert is_valid_fast(kind, data) == reference, path


def test_the_minimal_repository_validates(tmp_path: Path) -> None:
    root = write(tmp_path, files())
    for path in iter_yaml_files(root):
        place = classify(tuple(path.split("/")))
        assert place is not None
        assert validate(document((root / path).read_text(encoding="utf-8"), path), place.kind) == []


def test_loading_in_parallel_gives_the_same_result(tmp_path: Path) -> None:
    from peereval.load.repo import load_repository

    contents = files()
    contents["cases/2025/QZ2025-001.yaml"] = contents["cases/2025/QZ2025-001.yaml"].replace("type: criminal", "type: x")
    root = write(tmp_path, contents)
    one, two = load_repository(root, jobs=1), load_repository(root, jobs=2)
    assert one.problems == two.problems and one.problems
    assert one.repository == two.repository
    assert {p: d.data for p, d in one.documents.items()} == {p: d.data for p, d in two.documents.items()}
