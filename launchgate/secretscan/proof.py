"""A user's rule pack must prove itself: its examples are checked when it is loaded.

The built-in packs are proven by the test suite; a pack named in the manifest is proven here, so
a rule whose regex does not match its own positive examples (or an allowlist entry that does not
silence its examples) stops the check with a clear error instead of silently finding nothing.
Messages name examples by number, never by content: an example may be a real credential.
"""

from __future__ import annotations

from collections.abc import Collection

from launchgate.secretscan.detector import Detector


def unproven(detector: Detector, sources: Collection[str]) -> list[str]:
    """Why the rules and allowlist entries loaded from ``sources`` fail their own examples."""
    problems: list[str] = []
    for rule in detector.ruleset.rules:
        if rule.source not in sources:
            continue
        for i, example in enumerate(rule.positive, 1):
            hits, _ = detector.scan(example.line, example.path)
            values = [h.value for h in hits if h.rule == rule.id]
            if not values or (example.secret and example.secret not in values):
                problems.append(f"{rule.source}: {rule.id}: positive example #{i} is not flagged")
        for i, example in enumerate(rule.negative, 1):
            hits, _ = detector.scan(example.line, example.path)
            if any(h.rule == rule.id for h in hits):
                problems.append(f"{rule.source}: {rule.id}: negative example #{i} is flagged")
    for entry in detector.ruleset.allow:
        if entry.source not in sources:
            continue
        for i, example in enumerate(entry.examples, 1):
            if detector.scan(example.line, example.path)[0]:
                problems.append(f"{entry.source}: {entry.id}: example #{i} is still flagged")
    return problems
