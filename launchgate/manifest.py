"""Load ``launchready.yml``: YAML -> validated, typed manifest, or errors at file:line:col.

PyYAML composes the node tree (which carries positions); we build the data from it, refuse
duplicate keys, validate against the published JSON Schema and map every schema error back to the
line of the offending key or value, with a "did you mean" for misspelt keys and values.
"""

from __future__ import annotations

import datetime as dt
import difflib
import fnmatch
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from launchgate.findings import Severity
from launchgate.resources import schema_path
from launchgate.userregex import UnsafePatternError, compile_user
from launchgate.yamlguard import compose_bounded

MANIFEST_NAME = "launchready.yml"
Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class ManifestProblem:
    """One thing wrong with a manifest, positioned for an editor to jump to."""

    file: str
    line: int | None
    column: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        subject = f"{self.field}: " if self.field else ""
        return f"{where}: {subject}{self.message}"


class ManifestError(Exception):
    """The manifest cannot be used; carries every problem found, not just the first."""

    def __init__(self, problems: list[ManifestProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True)
class Environment:
    name: str
    base_url: str | None
    production: bool
    env_files: tuple[str, ...]


@dataclass(frozen=True)
class Suppression:
    reason: str
    fingerprint: str | None = None
    rule: str | None = None
    path: str | None = None
    expires: dt.date | None = None

    def matches(self, fingerprint: str, rule: str, path: str | None, today: dt.date) -> bool:
        if self.expires is not None and today > self.expires:
            return False
        if self.fingerprint is not None:
            return fingerprint.startswith(self.fingerprint)
        if self.rule is None or not fnmatch.fnmatchcase(rule, self.rule):
            return False
        return self.path is None or (path is not None and fnmatch.fnmatchcase(path, self.path))


@dataclass(frozen=True)
class Manifest:
    """The validated manifest. Checks read their own section with :meth:`section`."""

    path: Path
    data: Mapping[str, Any]
    fail_on: Severity = Severity.HIGH
    environments: Mapping[str, Environment] = field(default_factory=dict)
    suppressions: tuple[Suppression, ...] = ()

    @property
    def root(self) -> Path:
        """Directory the manifest's relative paths are relative to."""
        return self.path.parent

    def section(self, name: str) -> Mapping[str, Any]:
        value = self.data.get(name)
        return value if isinstance(value, Mapping) else {}

    def has(self, name: str) -> bool:
        return name in self.data

    def check_options(self, check: str) -> Mapping[str, Any]:
        opts = self.section("checks").get(check)
        return opts if isinstance(opts, Mapping) else {}

    def resolve(self, relative: str) -> Path:
        return (self.root / relative).resolve()

    def with_data(self, data: Mapping[str, Any]) -> Manifest:
        """The same manifest file with other (already validated) content."""
        return _typed(self.path, dict(data))

    @classmethod
    def empty(cls, root: Path) -> Manifest:
        """Defaults for running one check without a manifest (``launchgate secrets .``)."""
        return cls(path=root / MANIFEST_NAME, data={"version": 1})


@cache
def manifest_schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(schema_path("launchready.schema.json").read_text("utf-8"))
    return loaded


# ---------------------------------------------------------------- YAML with positions


@dataclass
class _Positions:
    """Where each key and value sits: path -> (line, column), 1-based."""

    keys: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    values: dict[Path_, tuple[int, int]] = field(default_factory=dict)

    def of_value(self, path: Path_) -> tuple[int, int] | None:
        """Position of the value at ``path``, or of its nearest positioned ancestor."""
        for cut in range(len(path), -1, -1):
            pos = self.values.get(path[:cut])
            if pos is not None:
                return pos
        return None

    def of_key(self, path: Path_) -> tuple[int, int] | None:
        return self.keys.get(path) or self.of_value(path)


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


# A manifest is a few hundred nodes; aliases can multiply a tiny file into billions ("billion
# laughs"). Validation walks the expanded tree, so the walk refuses to expand past this.
MAX_NODES = 100_000
MAX_BYTES = 1_000_000
_STR_TAG = "tag:yaml.org,2002:str"


class _TooLarge(Exception):
    pass


def _walk(
    node: yaml.Node,
    path: Path_,
    pos: _Positions,
    problems: list[tuple[Path_, str]],
    budget: list[int],
) -> None:
    """Record positions, find duplicate keys (PyYAML silently keeps the last one) and keys that
    are not text (``1:``, ``true:``, ``null:``), within a node budget."""
    budget[0] -= 1
    if budget[0] < 0:
        raise _TooLarge
    pos.values[path] = _mark(node)
    if isinstance(node, yaml.MappingNode):
        seen: dict[Any, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key is None:
                continue
            child = (*path, key)
            if key_node.tag != _STR_TAG and key != "<<":
                problems.append((child, f"key {key!r} must be a name (quote it to make it text)"))
                pos.keys[child] = _mark(key_node)
                continue
            if key in seen:
                problems.append(
                    (child, f"duplicate key {key!r} (first defined on line {seen[key]})")
                )
            else:
                seen[key] = _mark(key_node)[0]
            pos.keys[child] = _mark(key_node)
            _walk(value_node, child, pos, problems, budget)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*path, index), pos, problems, budget)


def _field_name(path: Path_) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _read_text(path: Path, shown: str) -> str:
    def fail(message: str) -> ManifestError:
        return ManifestError([ManifestProblem(shown, None, None, "", message)])

    if path.is_dir():
        raise fail(f"is a directory, not a manifest file (expected {path / MANIFEST_NAME})")
    try:
        if path.stat().st_size > MAX_BYTES:
            raise fail(f"is too large for a manifest (over {MAX_BYTES:,} bytes)")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise fail("does not exist; create it with `launchgate init`") from None
    except OSError as exc:
        raise fail(f"cannot be read: {exc.strerror or exc}") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise fail(f"is not UTF-8 text (byte {exc.start})") from None


def _dates_as_text(value: Any) -> Any:
    """``expires: 2027-06-30`` unquoted is a YAML date; the manifest means the same text."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _dates_as_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_dates_as_text(v) for v in value]
    return value


def _parse_yaml(text: str, shown: str) -> tuple[Any, _Positions, list[tuple[Path_, str]]]:
    pos = _Positions()
    dupes: list[tuple[Path_, str]] = []
    try:
        node = compose_bounded(text)
        if node is None:
            return None, pos, dupes
        _walk(node, (), pos, dupes, [MAX_NODES])
        data = _dates_as_text(yaml.safe_load(text))
    except _TooLarge:
        raise ManifestError(
            [
                ManifestProblem(
                    shown,
                    None,
                    None,
                    "",
                    f"is too large: more than {MAX_NODES:,} values once YAML aliases are expanded",
                )
            ]
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        col = mark.column + 1 if mark else None
        what = " ".join(p for p in (exc.context, exc.problem) if p) or "invalid YAML"
        if "'\\t'" in (exc.problem or ""):
            what = "tabs are not allowed for indentation in YAML; indent with spaces"
        raise ManifestError(
            [ManifestProblem(shown, line, col, "", f"invalid YAML: {what}")]
        ) from None
    except yaml.YAMLError as exc:
        raise ManifestError(
            [ManifestProblem(shown, None, None, "", f"invalid YAML: {exc}")]
        ) from None
    return data, pos, dupes


# ---------------------------------------------------------------- schema errors -> problems


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


def _suggest(word: str, options: list[str]) -> str:
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _problems_for(
    error: jsonschema.ValidationError, shown: str, pos: _Positions
) -> Iterator[ManifestProblem]:
    path: Path_ = tuple(error.absolute_path)
    if error.validator == "oneOf" and not error.context:
        # Valid under more than one alternative: in our schema, two keys that exclude each other.
        alternatives: Any = error.validator_value
        keys = [repr(a["required"][0]) for a in alternatives if a.get("required")]
        line, col = pos.of_value(path) or (None, None)
        message = f"set only one of {' or '.join(keys)}, not both"
        yield ManifestProblem(shown, line, col, _field_name(path), message)
        return
    if error.validator in ("oneOf", "anyOf") and error.context:
        if all(e.validator == "required" for e in error.context):
            names = " or ".join(repr(e.message.split("'")[1]) for e in error.context)
            needs = "needs exactly one of" if error.validator == "oneOf" else "needs"
            line, col = pos.of_value(path) or (None, None)
            yield ManifestProblem(shown, line, col, _field_name(path), f"{needs} {names}")
            return
        # Explain the alternative the value was closest to: one whose type it has (status: 999
        # is out of range, not "not a list").
        typed = [e for e in error.context if e.validator != "type"] or list(error.context)
        error = jsonschema.exceptions.best_match(typed) or error
        path = tuple(error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        schema = _schema_at(path)
        known = sorted(schema.get("properties", {}))
        for key in error.instance:
            if key in known:
                continue
            line, col = pos.of_key((*path, key)) or (None, None)
            where = f" in {_field_name(path)}" if path else ""
            expected = f"; expected one of: {', '.join(known)}" if known else ""
            hint = _suggest(str(key), known)
            yield ManifestProblem(
                shown,
                line,
                col,
                _field_name((*path, key)),
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
            message = f"unknown name; expected one of: {', '.join(known)}{_suggest(key, known)}"
        else:
            message = "is not a valid name (letters, digits, '-', '_' and '.')"
        yield ManifestProblem(shown, line, col, _field_name((*path, key)), message)
        return
    line, col = pos.of_value(path) or (None, None)
    yield ManifestProblem(shown, line, col, _field_name(path), _explain(error))


def _explain(error: jsonschema.ValidationError) -> str:
    value = error.instance
    shown = (
        json.dumps(value) if isinstance(value, str | int | float | bool) or value is None else None
    )
    got = f"got {shown}" if shown is not None else f"got a {type(value).__name__}"
    expected: Any = error.validator_value
    match error.validator:
        case "enum":
            options = [str(o) for o in expected]
            hint = _suggest(str(value), options)
            return f"{got}; expected one of: {', '.join(options)}{hint}"
        case "const":
            return f"{got}; expected {json.dumps(error.validator_value)}"
        case "type":
            names = {
                "object": "a mapping",
                "array": "a list",
                "string": "a string",
                "integer": "a whole number",
                "number": "a number",
                "boolean": "true or false",
            }
            want = expected
            wants = [want] if isinstance(want, str) else list(want)
            text = f"{got}; expected {' or '.join(names.get(w, w) for w in wants)}"
            schema_here: Any = error.schema
            properties: Any = (
                schema_here.get("properties", {}) if isinstance(schema_here, dict) else {}
            )
            if wants == ["object"] and isinstance(value, str) and "name" in properties:
                text += f" (write {{name: {value}}})"
            return text
        case "required":
            missing = error.message.split("'")[1] if "'" in error.message else error.message
            return f"missing required key {missing!r}"
        case "pattern":
            schema: Any = error.schema
            desc = str(schema.get("description", ""))
            what = shown if shown is not None else f"a {type(value).__name__}"
            return f"{what} is not in the expected form" + (
                f" ({desc.rstrip('.')})" if desc else ""
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
        case _:
            return error.message


def _semantic_problems(
    data: Mapping[str, Any], shown: str, pos: _Positions
) -> list[ManifestProblem]:
    """Rules JSON Schema cannot say: unique names, references to declared environments."""
    problems: list[ManifestProblem] = []

    def add(path: Path_, message: str) -> None:
        line, col = pos.of_value(path) or (None, None)
        problems.append(ManifestProblem(shown, line, col, _field_name(path), message))

    def unique(items: Any, key: str, section: Path_) -> None:
        seen: set[str] = set()
        for i, item in enumerate(items if isinstance(items, list) else []):
            name = item.get(key) if isinstance(item, dict) else None
            if isinstance(name, str):
                if name in seen:
                    add((*section, i, key), f"duplicate {key} {name!r}")
                seen.add(name)

    unique(data.get("routes"), "name", ("routes",))
    unique(data.get("domains"), "name", ("domains",))
    _check_routes(data, add, unique)
    env: dict[str, Any] = data["env"] if isinstance(data.get("env"), dict) else {}
    # The same variable may be declared once per environment (e.g. sk_live_ vs sk_test_ keys).
    claimed: dict[str, set[str] | None] = {}
    for i, var in enumerate(env.get("required") or []):
        if not isinstance(var, dict) or not isinstance(var.get("name"), str):
            continue
        envs = set(var["environments"]) if var.get("environments") else None
        if var["name"] in claimed:
            before = claimed[var["name"]]
            if before is None or envs is None or before & envs:
                add(
                    ("env", "required", i, "name"),
                    f"duplicate name {var['name']!r} for the same environment(s)",
                )
                continue
            claimed[var["name"]] = before | envs
        else:
            claimed[var["name"]] = envs
    for i, var in enumerate(env.get("required") or []):
        if not isinstance(var, dict):
            continue
        pattern = var.get("pattern")
        if isinstance(pattern, str):
            try:
                compile_user(pattern)
            except UnsafePatternError as exc:
                add(("env", "required", i, "pattern"), f"is not a valid regular expression: {exc}")
        low, high = var.get("min"), var.get("max")
        if isinstance(low, int) and isinstance(high, int) and low > high:
            add(("env", "required", i, "min"), f"min {low} is greater than max {high}")
    for i, rule in enumerate(data.get("suppress") or []):
        expires = rule.get("expires") if isinstance(rule, dict) else None
        if isinstance(expires, str):
            try:
                dt.date.fromisoformat(expires)
            except ValueError:
                add(("suppress", i, "expires"), f"{expires!r} is not a real date (YYYY-MM-DD)")
    declared = set(data.get("environments") or {})
    for i, var in enumerate(env.get("required") or []):
        for j, name in enumerate(var.get("environments") or [] if isinstance(var, dict) else []):
            if declared and name not in declared:
                hint = _suggest(str(name), sorted(declared))
                add(
                    ("env", "required", i, "environments", j),
                    f"environment {name!r} is not declared under environments{hint}",
                )
    return problems


def _check_routes(
    data: Mapping[str, Any],
    add: Callable[[Path_, str], None],
    unique: Callable[[Any, str, Path_], None],
) -> None:
    """Routes and flow steps: body regexes compile, JSON paths are of the supported subset,
    capture only where a later step can use it (flows)."""
    from launchgate.smoke.jsonpath import JsonPathError, parse

    smoke: dict[str, Any] = data["smoke"] if isinstance(data.get("smoke"), dict) else {}
    flows: list[Any] = smoke["flows"] if isinstance(smoke.get("flows"), list) else []
    unique(flows, "name", ("smoke", "flows"))
    places: list[tuple[Path_, Any, bool]] = [
        (("routes", i), r, False) for i, r in enumerate(data.get("routes") or [])
    ]
    for i, flow in enumerate(flows):
        steps = flow.get("steps") if isinstance(flow, dict) else None
        unique(steps, "name", ("smoke", "flows", i, "steps"))
        for j, step in enumerate(steps if isinstance(steps, list) else []):
            places.append((("smoke", "flows", i, "steps", j), step, True))
    for where, route, in_flow in places:
        if not isinstance(route, dict):
            continue
        if "capture" in route and not in_flow:
            add((*where, "capture"), "capture is only used by flow steps (smoke.flows)")
        expect: dict[str, Any] = route["expect"] if isinstance(route.get("expect"), dict) else {}
        if isinstance(expect.get("matches"), str):
            try:
                compile_user(expect["matches"])
            except UnsafePatternError as exc:
                add((*where, "expect", "matches"), f"is not a valid regular expression: {exc}")
        paths: list[tuple[Path_, Any]] = [(("expect", "json"), p) for p in expect.get("json") or {}]
        for name, spec in (route.get("capture") or {}).items():
            if isinstance(spec, dict) and isinstance(spec.get("json"), str):
                paths.append((("capture", name, "json"), spec["json"]))
        for field_path, path in paths:
            try:
                parse(str(path))
            except JsonPathError as exc:
                add((*where, *field_path), str(exc))


def _typed(path: Path, data: dict[str, Any]) -> Manifest:
    environments = {
        name: Environment(
            name=name,
            base_url=spec.get("base_url"),
            production=spec.get("production", name.lower() in ("production", "prod")),
            env_files=tuple(spec.get("env_files", ())),
        )
        for name, spec in (data.get("environments") or {}).items()
    }
    suppressions = tuple(
        Suppression(
            reason=s["reason"],
            fingerprint=s.get("fingerprint"),
            rule=s.get("rule"),
            path=s.get("path"),
            expires=dt.date.fromisoformat(s["expires"]) if s.get("expires") else None,
        )
        for s in data.get("suppress") or []
    )
    return Manifest(
        path=path,
        data=data,
        fail_on=Severity(data.get("fail_on", "high")),
        environments=environments,
        suppressions=suppressions,
    )


def parse_manifest(text: str, path: Path, shown: str | None = None) -> Manifest:
    """Validate manifest text; raises :class:`ManifestError` listing every problem."""
    shown = shown or str(path)
    data, pos, dupes = _parse_yaml(text, shown)
    if data is None:
        raise ManifestError(
            [
                ManifestProblem(
                    shown, None, None, "", "is empty; expected a mapping starting with `version: 1`"
                )
            ]
        )
    if not isinstance(data, dict):
        line, col = pos.of_value(()) or (None, None)
        raise ManifestError(
            [
                ManifestProblem(
                    shown,
                    line,
                    col,
                    "",
                    "expected a mapping of keys (version, routes, ...), "
                    f"got a {type(data).__name__}",
                )
            ]
        )
    problems = []
    for dupe_path, message in dupes:
        line, col = pos.of_key(dupe_path) or (None, None)
        problems.append(ManifestProblem(shown, line, col, _field_name(dupe_path), message))
    validator = jsonschema.Draft202012Validator(manifest_schema())
    for error in validator.iter_errors(data):
        problems.extend(_problems_for(error, shown, pos))
    if not problems:
        problems.extend(_semantic_problems(data, shown, pos))
    if problems:
        unique = list(dict.fromkeys(problems))
        unique.sort(key=lambda p: (p.line or 0, p.column or 0, p.field))
        raise ManifestError(unique)
    return _typed(path, data)


def load_manifest(path: Path) -> Manifest:
    """Read and validate the manifest at ``path``."""
    shown = str(path)
    text = _read_text(path, shown)
    return parse_manifest(text, path.resolve(), shown)
