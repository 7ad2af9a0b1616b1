"""Load the course content in ``data/`` into read-only records, validating all of it first.

Trainers edit YAML, not Python, so a mistake must be reported the way a trainer can fix it: every problem
at once, each naming the file, the line, the record id, the field and what was expected. Content that
fails validation is never used, not even in part.

Each ``data/NAME.yaml`` holds a list of records and is checked against ``data/schema/NAME.schema.json``
(JSON Schema, so editors can autocomplete), then against the rules a schema cannot express
(``course.content.rules``), and, for ``course validate``, the notebooks' citations
(``course.content.citations``). This is the bottom layer: it imports nothing else of the course.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
from collections.abc import Iterator, Mapping
from importlib.resources import files
from pathlib import Path
from typing import Any

import yaml
from referencing import Registry, Resource

from course.content.citations import notebooks_problems
from course.content.problems import Collection, ContentError, Problem
from course.content.rules import COLLECTION_RULES, record_problems

__all__ = ["Content", "ContentError", "Problem", "Record", "check_content", "data_directory", "learner_contacts",
           "load_content", "notebooks_directory"]


def import_jsonschema():
    """jsonschema, without its optional IRI format checker: that builds a grammar on import (over a second),
    and neither the course's schemas nor nbformat's and nbgrader's use an "iri" format, so ``course validate``
    and ``course autograde`` stay quick. Call it before anything imports jsonschema (nbformat does)."""
    if "jsonschema" in sys.modules or "rfc3987_syntax" in sys.modules:
        return importlib.import_module("jsonschema")
    sys.modules["rfc3987_syntax"] = None  # type: ignore[assignment]  # makes its import fail, so it is skipped
    try:
        return importlib.import_module("jsonschema")
    finally:
        del sys.modules["rfc3987_syntax"]


Draft202012Validator = import_jsonschema().Draft202012Validator

CHECKOUT_DATA = Path(__file__).resolve().parents[2] / "data"


def data_directory() -> Path:
    """Where content lives: ``COURSE_DATA`` when set (a trainer's own copy), else the content shipped in the
    installed package (``course/_data``, copied from ``data/`` when the wheel is built), else ``data/`` beside
    the package in a checkout (an editable install, where trainers edit it)."""
    if os.environ.get("COURSE_DATA"):
        return Path(os.environ["COURSE_DATA"])
    shipped = Path(str(files("course") / "_data"))
    return shipped if shipped.is_dir() else CHECKOUT_DATA


def notebooks_directory(content_directory: Path) -> Path | None:
    """The notebooks that go with a content folder: ``notebooks/`` beside it (a checkout, or a trainer's course
    folder with its own ``data/``), or None when there are none (an installed package ships only the content)."""
    folder = content_directory.parent / "notebooks"
    return folder if folder.is_dir() else None


class Record(Mapping):
    """A validated content record: read-only, with fields as attributes (``scenario.title``)."""

    __slots__ = ("_fields",)

    def __init__(self, fields: Mapping[str, Any]):
        object.__setattr__(self, "_fields", {k: _freeze(v) for k, v in fields.items()})

    def __getattr__(self, name: str) -> Any:
        try:
            return self._fields[name]
        except KeyError:
            raise AttributeError(name) from None

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("content records are read-only")

    def __getitem__(self, key: str) -> Any:
        return self._fields[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._fields)

    def __len__(self) -> int:
        return len(self._fields)

    def __repr__(self) -> str:
        return f"Record(id={self._fields.get('id')!r})"


def _freeze(value: Any) -> Any:
    if isinstance(value, Mapping):
        return Record(value)
    if isinstance(value, list | tuple):
        return tuple(_freeze(v) for v in value)
    return value


class Content(Mapping):
    """Every collection of records, by file name: ``content["scenarios"]`` is a tuple of records."""

    def __init__(self, directory: Path, collections: dict[str, tuple[Record, ...]]):
        self.directory = directory
        self._collections = collections

    def __getitem__(self, name: str) -> tuple[Record, ...]:
        try:
            return self._collections[name]
        except KeyError:
            raise KeyError(f"there is no {name}.yaml in {self.directory}") from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._collections)

    def __len__(self) -> int:
        return len(self._collections)

    def record(self, name: str, record_id: str) -> Record:
        """The record with this id, or a KeyError that names the file and lists the ids it has."""
        for rec in self[name]:
            if rec.get("id") == record_id:
                return rec
        ids = ", ".join(str(r.get("id")) for r in self[name])
        raise KeyError(f"{name}.yaml has no record {record_id!r} (it has: {ids})")

    @property
    def references(self) -> dict[str, Record]:
        return {r.id: r for r in self.get("references", ())}

    def summary(self) -> str:
        counts = ", ".join(f"{len(recs)} {name}" for name, recs in sorted(self._collections.items()))
        return f"OK: {counts} (from {self.directory})"


def learner_contacts(content: Content) -> tuple[Record, ...]:
    """learner_support.yaml's records, each that names a signposting.yaml contact given that contact's name,
    how and sources, so a number is given, and replaced, in signposting.yaml alone."""
    contacts = {c.id: c for c in content.get("signposting", ())}
    found = []
    for record in content["learner_support"]:
        named = contacts.get(record.get("contact"), {})
        found.append(Record({**{k: named[k] for k in ("name", "how", "references") if k in named}, **record}))
    return tuple(found)


# --- loading -------------------------------------------------------------------------------------------

class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """A safe loader that reports a key given twice instead of silently keeping the last one."""

    def construct_mapping(self, node, deep=False):
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"the key '{key}' appears twice in one record (first on line {seen[key]})",
                    key_node.start_mark)
            seen[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep=deep)


def _read_yaml(path: Path, label: str) -> tuple[Any, dict[tuple, int], list[Problem]]:
    """The data in a YAML file, the line of every value in it (by path), and any syntax problem."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [], [Problem(label, None, None, None, f"cannot be read: {exc}")]
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        what = getattr(exc, "problem", None) or str(exc)
        context, context_mark = getattr(exc, "context", None), getattr(exc, "context_mark", None)
        if context and context_mark and context_mark.line != getattr(mark, "line", None):
            detail = f"{context} that starts here, {what} (line {mark.line + 1})"
            mark = context_mark
        else:
            detail = f"{what} ({context})" if context else what
        line = mark.line + 1 if mark else None
        return None, {}, [Problem(label, line, None, None, f"YAML syntax error: {detail}")]
    finally:
        loader.dispose()
    return data, _node_lines(node), []


def _node_lines(node, path: tuple = ()) -> dict[tuple, int]:
    """The line each value starts on, by its path (a mapping key's line for a field)."""
    lines: dict[tuple, int] = {}
    if node is None:
        return lines
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            lines.update(_node_lines(item, path + (i,)))
    elif isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            sub = _node_lines(value_node, path + (key_node.value,))
            sub[path + (key_node.value,)] = key_node.start_mark.line + 1
            lines.update(sub)
    return lines


def _schemas(schema_dir: Path, label_root: str) -> tuple[dict[str, dict], Registry, list[Problem]]:
    schemas: dict[str, dict] = {}
    problems: list[Problem] = []
    for path in sorted(schema_dir.glob("*.schema.json")):
        try:
            schemas[path.name] = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            problems.append(Problem(f"{label_root}/schema/{path.name}", None, None, None, f"is not valid JSON: {exc}"))
    registry = Registry().with_resources(
        (name, Resource.from_contents(schema)) for name, schema in schemas.items())
    return schemas, registry, problems


_TYPE_NAMES = {"string": "text", "integer": "a whole number", "number": "a number", "boolean": "true or false",
               "array": "a list", "object": "a mapping of fields", "null": "nothing"}


def _describe(value: Any) -> str:
    kind = {str: "text", bool: "true/false", int: "a number", float: "a number", list: "a list",
            dict: "a mapping", type(None): "nothing"}.get(type(value), type(value).__name__)
    shown = repr(value) if not isinstance(value, list | dict) else ""
    return f"{kind} {shown}".strip()


def _schema_message(error) -> tuple[list, str]:
    """The field an error is about and a plain statement of what was expected there."""
    path = list(error.absolute_path)
    kind, schema, value = error.validator, error.schema, error.instance
    if kind == "required":
        missing = [name for name in error.validator_value if name not in value]
        return path + missing[:1], "is missing (this field is required)"
    if kind == "additionalProperties":
        allowed = sorted(schema.get("properties", {}))
        extra = sorted(set(value) - set(allowed))
        return path + extra[:1], f"is not a known field (expected one of: {', '.join(allowed)})"
    if kind == "type":
        wanted = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        return path, f"expected {' or '.join(_TYPE_NAMES.get(w, w) for w in wanted)}, got {_describe(value)}"
    if kind == "enum":
        return path, f"expected one of {', '.join(map(repr, error.validator_value))}, got {_describe(value)}"
    if kind == "pattern":
        hint = schema.get("description") or f"text matching {error.validator_value}"
        return path, f"expected {hint[0].lower() + hint[1:]} Got {value!r}"
    if kind == "minLength":
        return path, "expected text, got an empty string"
    if kind == "minItems":
        return path, f"expected at least {error.validator_value} item(s), got {len(value)}"
    if kind == "maxItems":
        return path, f"expected at most {error.validator_value} item(s), got {len(value)}"
    if kind in ("minimum", "maximum"):
        bound = "at least" if kind == "minimum" else "at most"
        return path, f"expected {bound} {error.validator_value}, got {value!r}"
    if kind in ("oneOf", "anyOf"):
        hint = schema.get("description")
        return path, f"expected {hint[0].lower() + hint[1:]} Got {_describe(value)}" if hint else error.message
    return path, error.message


def _schema_problems(collection: Collection, validator: Draft202012Validator) -> list[Problem]:
    problems = []
    for error in validator.iter_errors(collection.records):
        path, message = _schema_message(error)
        if not path:
            problems.append(collection.problem(
                None, [], f"expected a list of records, got {_describe(collection.records)}"))
            continue
        problems.append(collection.problem(path[0], path[1:], message))
    return problems


def check_content(directory: Path | str | None = None, *,
                  notebooks: Path | str | None = None) -> tuple[Content | None, list[Problem]]:
    """Validate every data file (and, given a folder of ``notebooks``, their citations and that every module has
    its notebook); return the content only when there is not a single problem."""
    directory = Path(directory) if directory is not None else data_directory()
    label_root = directory.name or str(directory)
    if not directory.is_dir():
        return None, [Problem(str(directory), None, None, None, "is not a folder of course content")]
    schemas, registry, problems = _schemas(directory / "schema", label_root)

    loaded: dict[str, Collection] = {}
    passed: dict[str, Collection] = {}
    for path in sorted(directory.glob("*.yaml")) + sorted(directory.glob("*.yml")):
        label = f"{label_root}/{path.name}"
        data, lines, syntax = _read_yaml(path, label)
        problems += syntax
        if syntax:
            continue
        schema_name = f"{path.stem}.schema.json"
        if schema_name not in schemas:
            problems.append(Problem(label, None, None, None,
                                    f"has no schema: expected {label_root}/schema/{schema_name}"))
            continue
        collection = Collection(label, data, lines)
        schema_problems = _schema_problems(collection, Draft202012Validator(schemas[schema_name], registry=registry))
        problems += schema_problems
        if isinstance(data, list):
            loaded[path.stem] = collection
            if not schema_problems:
                passed[path.stem] = collection

    def ids_of(name):
        if name not in loaded:
            return None
        return {r.get("id") for r in loaded[name].records if isinstance(r, dict)}

    reference_ids, module_ids = ids_of("references"), ids_of("modules")
    if reference_ids is None and "references" not in {p.stem for p in directory.glob("*.yaml")}:
        problems.append(Problem(f"{label_root}/references.yaml", None, None, None, "is missing"))
    for collection in loaded.values():
        problems += record_problems(collection, reference_ids, module_ids)
    for name, rule in COLLECTION_RULES.items():
        if name in passed:
            problems += rule(passed[name], passed)
    if notebooks is not None and {"modules", "references"} <= set(passed):
        references = {r["id"]: r for r in passed["references"].records}
        problems += notebooks_problems(Path(notebooks), passed["modules"].records, references)

    if problems:
        return None, sorted(set(problems), key=lambda p: (p.file, p.line or 0, p.field or "", p.message))
    return Content(directory, {name: tuple(Record(r) for r in c.records) for name, c in loaded.items()}), []


_cache: dict[tuple, Content] = {}


def load_content(directory: Path | str | None = None) -> Content:
    """The validated content, cached until a file in the folder changes; raises ContentError on any problem."""
    directory = Path(directory) if directory is not None else data_directory()
    files = sorted(p for p in directory.rglob("*") if p.is_file()) if directory.is_dir() else []
    key = (str(directory.resolve()), tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files))
    if key not in _cache:
        content, problems = check_content(directory)
        if problems:
            raise ContentError(problems)
        _cache.clear()
        _cache[key] = content
    return _cache[key]
