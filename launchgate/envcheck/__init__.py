"""The env check: required variables present, well formed and right for their environment.

Modules: ``spec`` (what the manifest declares), ``formats`` (value validators), ``sources``
(process environment and dotenv files), ``values`` (placeholder / production-unsafe rule packs),
``codescan`` (variables the code reads), ``evaluate`` and ``drift`` (findings), ``check`` (the
registered check) and ``init`` (pre-fill for ``launchgate init``).
"""
