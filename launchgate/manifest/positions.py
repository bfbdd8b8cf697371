"""Manifest YAML with positions: every key and value's line and column, duplicate keys refused,
alias bombs and oversized files stopped, dates kept as the text the user wrote."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from launchgate.manifest.model import MANIFEST_NAME, ManifestError, Path_
from launchgate.yamlguard import compose_bounded


@dataclass
class Positions:
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
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"


class _TooLarge(Exception):
    pass


# A key's own problem: its path, its own position (a repeated key's, not the last one's) and
# what is wrong with it.
KeyProblem = tuple[Path_, tuple[int, int], str]


def _walk(
    node: yaml.Node,
    path: Path_,
    pos: Positions,
    problems: list[KeyProblem],
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
            where = _mark(key_node)
            if key_node.tag != _STR_TAG and key != "<<":
                message = f"key {key!r} must be a name (quote it to make it text)"
                problems.append((child, where, message))
                continue
            if key in seen:
                message = f"duplicate key {key!r} (first defined on line {seen[key]})"
                problems.append((child, where, message))
            else:
                seen[key] = where[0]
            pos.keys[child] = where
            _walk(value_node, child, pos, problems, budget)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*path, index), pos, problems, budget)


def field_name(path: Path_) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def read_text(path: Path, shown: str) -> str:
    def fail(message: str) -> ManifestError:
        return ManifestError.about_file(shown, message)

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


def parse_yaml(text: str, shown: str) -> tuple[Any, Positions, list[KeyProblem]]:
    pos = Positions()
    dupes: list[KeyProblem] = []
    try:
        node = compose_bounded(text)
        if node is None:
            return None, pos, dupes
        _walk(node, (), pos, dupes, [MAX_NODES])
        try:
            data = _dates_as_text(yaml.safe_load(text))
        except ValueError as exc:
            # PyYAML reads `2027-02-30` as a date and fails on the day; `!!int many` likewise.
            line, col, message = _unreadable_scalar(node) or (None, None, str(exc))
            raise ManifestError.about_file(shown, message, line, col) from None
    except _TooLarge:
        raise ManifestError.about_file(
            shown, f"is too large: more than {MAX_NODES:,} values once YAML aliases are expanded"
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        col = mark.column + 1 if mark else None
        what = " ".join(p for p in (exc.context, exc.problem) if p) or "invalid YAML"
        if "'\\t'" in (exc.problem or ""):
            what = "tabs are not allowed for indentation in YAML; indent with spaces"
        raise ManifestError.about_file(shown, f"invalid YAML: {what}", line, col) from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow (NUL, BEL, ...)
        before = text[: exc.position]
        line, col = before.count("\n") + 1, exc.position - before.rfind("\n")
        what = f"unacceptable character #x{exc.character:04x}: {exc.reason}"
        raise ManifestError.about_file(shown, f"invalid YAML: {what}", line, col) from None
    return data, pos, dupes


def _unreadable_scalar(node: yaml.Node) -> tuple[int, int, str] | None:
    """Where the first scalar (in document order) that its tag cannot read sits (an impossible
    date, ``!!int x``), and why: PyYAML's own error may be about a later one."""
    loader = yaml.SafeLoader("")
    stack: list[yaml.Node] = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, yaml.MappingNode):
            stack.extend(v for pair in reversed(current.value) for v in reversed(pair))
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(reversed(current.value))
        elif isinstance(current, yaml.ScalarNode):
            try:
                loader.construct_object(current)
            except yaml.YAMLError:
                continue  # unreadable too, but PyYAML stopped at a ValueError: look on
            except ValueError as exc:
                line, col = _mark(current)
                if current.tag == _TIMESTAMP_TAG:
                    return line, col, f"{current.value!r} is not a real date ({exc})"
                tag = current.tag.replace("tag:yaml.org,2002:", "!!")
                return line, col, f"{current.value!r} is not a valid {tag} value ({exc})"
    return None
