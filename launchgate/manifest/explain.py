"""JSON Schema errors as manifest problems a person can act on: at the key's line, in plain words,
with "did you mean" for misspelt keys and values."""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterator
from functools import cache
from typing import Any

import jsonschema

from launchgate.manifest.model import ManifestProblem, Path_
from launchgate.manifest.positions import Positions, field_name
from launchgate.resources import schema_path


@cache
def manifest_schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(schema_path("launchready.schema.json").read_text("utf-8"))
    return loaded


def _schema_at(path: Path_) -> dict[str, Any]:
    """The (resolved) subschema that describes ``path`` in the manifest, best effort."""
    root = manifest_schema()

    def deref(node: dict[str, Any]) -> dict[str, Any]:
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            resolved: dict[str, Any] = root["$defs"][ref.rsplit("/", 1)[1]]
            return resolved
        return node

    node = deref(root)
    for part in path:
        if isinstance(part, int):
            node = deref(node.get("items", {}))
        elif part in node.get("properties", {}):
            node = deref(node["properties"][part])
        elif isinstance(node.get("additionalProperties"), dict):
            node = deref(node["additionalProperties"])
        else:
            return {}
    return node


def suggest(word: str, options: list[str]) -> str:
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def problems_for(
    error: jsonschema.ValidationError, shown: str, pos: Positions
) -> Iterator[ManifestProblem]:
    path: Path_ = tuple(error.absolute_path)
    if error.validator == "oneOf" and not error.context:
        # Valid under more than one alternative: in our schema, two keys that exclude each other.
        alternatives: Any = error.validator_value
        keys = [repr(a["required"][0]) for a in alternatives if a.get("required")]
        line, col = pos.of_value(path) or (None, None)
        message = f"set only one of {' or '.join(keys)}, not both"
        yield ManifestProblem(shown, line, col, field_name(path), message)
        return
    if error.validator in ("oneOf", "anyOf") and error.context:
        if all(e.validator == "required" for e in error.context):
            names = " or ".join(repr(e.message.split("'")[1]) for e in error.context)
            needs = "needs exactly one of" if error.validator == "oneOf" else "needs"
            line, col = pos.of_value(path) or (None, None)
            yield ManifestProblem(shown, line, col, field_name(path), f"{needs} {names}")
            return
        # Explain the alternative the value was closest to: one whose type it has (status: 999
        # is out of range, not "not a list"); of none, name every type it could have had.
        typed = [e for e in error.context if e.validator != "type"]
        if not typed:
            types = [str(e.validator_value) for e in error.context]
            line, col = pos.of_value(path) or (None, None)
            message = f"{_got(error.instance)}; expected {_type_words(types)}"
            yield ManifestProblem(shown, line, col, field_name(path), message)
            return
        error = jsonschema.exceptions.best_match(typed) or error
        path = tuple(error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        schema = _schema_at(path)
        known = sorted(schema.get("properties", {}))
        for key in error.instance:
            if key in known:
                continue
            line, col = pos.of_key((*path, key)) or (None, None)
            where = f" in {field_name(path)}" if path else ""
            expected = f"; expected one of: {', '.join(known)}" if known else ""
            hint = suggest(str(key), known)
            yield ManifestProblem(
                shown,
                line,
                col,
                field_name((*path, key)),
                f"unknown key{where}{hint or expected}",
            )
        return
    if "propertyNames" in error.schema_path:
        # jsonschema reports a bad key as an error about the key itself, at the parent's path.
        key = str(error.instance)
        line, col = pos.of_key((*path, key)) or (None, None)
        if error.validator == "enum":
            choices: Any = error.validator_value
            known = [str(o) for o in choices]
            message = f"unknown name; expected one of: {', '.join(known)}{suggest(key, known)}"
        else:
            # The form differs by place (environment, capture, JSON path): the schema says it.
            rule: Any = error.schema
            form = str(rule.get("description", "")).removesuffix(".")
            message = "is not a valid name" + (f" ({form})" if form else "")
        yield ManifestProblem(shown, line, col, field_name((*path, key)), message)
        return
    line, col = pos.of_value(path) or (None, None)
    yield ManifestProblem(shown, line, col, field_name(path), _explain(error))


# JSON Schema's type names, and Python's for what YAML gave, in the words of a YAML file.
_TYPE_WORDS = {
    "object": "a mapping",
    "array": "a list",
    "string": "a string",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "null": "null",
}
_KIND_WORDS = {
    dict: "a mapping",
    list: "a list",
    str: "text",
    bool: "a boolean",
    int: "a number",
    float: "a number",
}


def _type_words(types: list[str]) -> str:
    return " or ".join(_TYPE_WORDS[t] for t in types)


def _scalar(value: Any) -> str | None:
    """A scalar as the user would write it in JSON terms (``"text"``, ``5``, ``true``, ``null``)."""
    if isinstance(value, str | int | float | bool) or value is None:
        return json.dumps(value)
    return None


def kind_of(value: Any) -> str:
    """What a value is, in YAML words (a mapping, a list, text), for where it is not shown."""
    return _KIND_WORDS.get(type(value), f"a {type(value).__name__}")


def _got(value: Any) -> str:
    shown = _scalar(value)
    return f"got {shown}" if shown is not None else f"got {kind_of(value)}"


def _explain(error: jsonschema.ValidationError) -> str:
    value: Any = error.instance
    shown = _scalar(value)
    got = _got(value)
    expected: Any = error.validator_value
    match error.validator:
        case "enum":
            options = [str(o) for o in expected]
            hint = suggest(str(value), options)
            return f"{got}; expected one of: {', '.join(options)}{hint}"
        case "const":
            return f"{got}; expected {json.dumps(error.validator_value)}"
        case "type":
            wants = [expected] if isinstance(expected, str) else list(expected)
            text = f"{got}; expected {_type_words(wants)}"
            schema_here: Any = error.schema
            properties = schema_here.get("properties", {})
            if wants == ["object"] and isinstance(value, str) and "name" in properties:
                text += f" (write {{name: {value}}})"
            return text
        case "required":
            missing = error.message.split("'")[1]  # "'name' is a required property"
            return f"missing required key {missing!r}"
        case "pattern":
            schema: Any = error.schema
            desc = str(schema.get("description", ""))
            return f"{shown} is not in the expected form" + (
                f" ({desc.removesuffix('.')})" if desc else ""
            )
        case "minimum" | "maximum" | "exclusiveMinimum" | "exclusiveMaximum":
            words = {
                "minimum": "at least",
                "maximum": "at most",
                "exclusiveMinimum": "more than",
                "exclusiveMaximum": "less than",
            }
            return f"{got}; expected {words[str(error.validator)]} {error.validator_value}"
        case "minItems":
            return f"expected at least {error.validator_value} item(s)"
        case "minLength":
            return (
                "must not be empty"
                if error.validator_value == 1
                else (f"expected at least {error.validator_value} characters")
            )
        case "minProperties" if expected == 1:
            return "must not be empty"
        case "maxProperties" if expected == 1:
            return f"expected only one key, got {len(value)}: {', '.join(map(str, value))}"
        case _:
            return error.message
