"""What each env rule means, for SARIF rule help and documentation (findings say the specifics)."""

from __future__ import annotations

from launchgate.findings import RuleInfo, Severity

RULES: tuple[RuleInfo, ...] = (
    RuleInfo(
        "env.missing",
        "Required environment variable is missing",
        "A variable the manifest declares as required for an environment is set by none of its "
        "sources. Missing configuration is the most common cause of a failed launch.",
        "Set the variable in the environment's secret store or dotenv file before deploying, or "
        "mark it optional in launchready.yml if the app copes without it.",
        Severity.BLOCKER,
    ),
    RuleInfo(
        "env.empty",
        "Environment variable is empty",
        "The variable is present but empty, which most apps treat like a missing value.",
        "Give the variable its real value.",
        Severity.HIGH,
    ),
    RuleInfo(
        "env.malformed",
        "Environment variable does not have the declared format",
        "The value fails the format declared in the manifest (url, email, port, int, duration, "
        "json, pattern...). The finding says which check failed and why; it never shows the value.",
        "Fix the value where the finding says it comes from.",
        Severity.HIGH,
    ),
    RuleInfo(
        "env.placeholder",
        "Environment variable holds a placeholder",
        "The value is a template leftover (changeme, your-key-here, TODO, <...>, an unexpanded "
        "${...}) from the rule packs of kind env.",
        "Replace the placeholder with the real value.",
        Severity.HIGH,
    ),
    RuleInfo(
        "env.test-value-in-production",
        "Test or non-production value in production",
        "A production environment holds a test-mode key, a local or staging host, or debug "
        "settings, from the rule packs of kind env.",
        "Use the production value in the production environment.",
        Severity.HIGH,
    ),
    RuleInfo(
        "env.same-secret-across-environments",
        "Same secret in two environments",
        "Two environments share a secret value (compared by keyed hash, never printed): a leak "
        "from one exposes the other, and test traffic can reach real data.",
        "Give each environment its own credential.",
        Severity.HIGH,
    ),
    RuleInfo(
        "env.undeclared-read",
        "Code reads a variable the manifest does not declare",
        "The code (os.environ, process.env, import.meta.env, ENV[], workflow secrets/vars) reads a "
        "variable no environment is checked for.",
        "Declare the variable under env.required, or add it to env.ignore.",
        Severity.MEDIUM,
    ),
    RuleInfo(
        "env.unused-declaration",
        "Declared variable that nothing reads",
        "The manifest declares a variable that no scanned code or workflow reads; it may be stale "
        "or read by a framework implicitly.",
        "Remove the declaration if it is stale, or suppress the finding.",
        Severity.LOW,
    ),
    RuleInfo(
        "env.source-missing",
        "Dotenv source does not exist",
        "A dotenv file listed as a source of an environment does not exist.",
        "Create the file or remove it from the environment's env_files.",
        Severity.LOW,
    ),
    RuleInfo(
        "env.source-unreadable",
        "Dotenv source cannot be read",
        "A dotenv file listed as a source cannot be read (permissions, encoding).",
        "Make the file readable or remove it from the environment's env_files.",
        Severity.HIGH,
    ),
    RuleInfo(
        "env.dotenv-syntax",
        "Dotenv line cannot be parsed",
        "python-dotenv skips a line it cannot parse, so the variable it meant to set is not set.",
        "Write it as NAME=value, quoting values that contain spaces or #.",
        Severity.MEDIUM,
    ),
    RuleInfo(
        "env.secret-exposed-to-client",
        "Secret in a client-exposed environment variable",
        "A variable with a prefix the framework inlines into client JavaScript (NEXT_PUBLIC_, "
        "VITE_, REACT_APP_, EXPO_PUBLIC_, PUBLIC_, NUXT_PUBLIC_, GATSBY_...; see "
        "checks/env-client-exposure.yml) holds a value a secrets detector recognises, or its "
        "name says it is a secret: every visitor can read it.",
        "Drop the prefix, use the value only in server code, and rotate it if it was deployed.",
        Severity.BLOCKER,
    ),
    RuleInfo(
        "env.client-exposed-secret-read",
        "Code reads a secret through a client-exposed prefix",
        "Code reads a variable whose name says it is a secret behind a client-exposed prefix; "
        "the build will inline its value into the JavaScript bundle.",
        "Rename the variable without the prefix and read it only in server code.",
        Severity.HIGH,
    ),
)
