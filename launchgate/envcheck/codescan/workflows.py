"""GitHub Actions workflow reads: ``${{ secrets.X }}`` and ``${{ vars.X }}``.

The YAML is parsed (PyYAML node tree), so YAML comments never match; expressions inside ``run:``
scripts do match even on a shell comment line, because Actions expands them before the shell runs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import yaml

from launchgate.envcheck.codescan.model import EnvRead
from launchgate.yamlguard import compose_bounded

_EXPRESSION = re.compile(r"\$\{\{(.*?)\}\}", re.DOTALL)
_CONTEXT_READ = re.compile(
    r"(?<![\w.])(?:secrets|vars)\s*(?:\.\s*([A-Za-z_][A-Za-z0-9_]*)|\[\s*'([A-Za-z_][A-Za-z0-9_]*)'\s*\])"
)
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _scalars(node: yaml.Node) -> Iterator[yaml.ScalarNode]:
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, yaml.ScalarNode):
            yield current
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)
        elif isinstance(current, yaml.MappingNode):
            for key, value in current.value:
                stack.extend((key, value))


def _line_in(node: yaml.ScalarNode, offset: int) -> int:
    """Line of ``offset`` in the scalar's value; block scalars start on the line after ``|``."""
    first = node.start_mark.line + 1
    if node.style in ("|", ">"):
        first += 1
    if node.style == ">":
        return first  # folded: the value's line breaks are not the file's
    return first + str(node.value).count("\n", 0, offset)


def workflow_reads(source: str, path: str) -> list[EnvRead]:
    """Every ``secrets.X`` / ``vars.X`` inside a ``${{ }}`` expression of a workflow file."""
    if "${{" not in source:
        return []
    try:
        root = compose_bounded(source)
    except yaml.YAMLError:
        return []
    if root is None:
        return []
    reads: list[EnvRead] = []
    for scalar in _scalars(root):
        value = str(scalar.value)
        for expression in _EXPRESSION.finditer(value):
            for match in _CONTEXT_READ.finditer(expression.group(1)):
                name = match.group(1) or match.group(2)
                if name and _ENV_NAME.match(name):
                    line = _line_in(scalar, expression.start())
                    reads.append(EnvRead(name, path, line, "workflow", False))
    return sorted(reads, key=lambda r: (r.line, r.name))
