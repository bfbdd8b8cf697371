"""launchgate: the launch-readiness gate."""

from functools import lru_cache


@lru_cache(maxsize=1)
def _version() -> str:
    """Read from the installed metadata on first use: importing ``importlib.metadata`` costs
    ~40 ms, which every scan worker (a fresh interpreter) would pay without needing it."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("launchgate")
    except PackageNotFoundError:  # running from a checkout that is not installed
        return "0.0.0+checkout"


def __getattr__(name: str) -> str:
    if name == "__version__":
        return _version()
    raise AttributeError(f"module 'launchgate' has no attribute {name!r}")
