"""Rules of the manifest that JSON Schema cannot say: unique names, declared environments, regexes
and JSON paths that compile, dates that exist."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from launchgate.manifest.explain import suggest
from launchgate.manifest.model import ManifestProblem, Path_
from launchgate.manifest.positions import Positions, field_name
from launchgate.userregex import UnsafePatternError, compile_user


def semantic_problems(data: Mapping[str, Any], shown: str, pos: Positions) -> list[ManifestProblem]:
    """Rules JSON Schema cannot say: unique names, references to declared environments."""
    problems: list[ManifestProblem] = []

    def add(path: Path_, message: str) -> None:
        line, col = pos.of_value(path) or (None, None)
        problems.append(ManifestProblem(shown, line, col, field_name(path), message))

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
                hint = suggest(str(name), sorted(declared))
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
