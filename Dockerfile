# The launchgate GitHub Action: a slim Python image with git, launchgate installed from a
# hash-pinned lock, and an exec-form entrypoint straight into `launchgate action`.
# The install steps are run outside Docker too, in a fresh venv, by .ci/check-install.
FROM python:3.11.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# git walks the history for the secrets scan. Debian's security updates move its exact version,
# so it is taken from the pinned release (bookworm) rather than pinned to a build number.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends git \
    && rm -rf /var/lib/apt/lists/*

# The runner mounts the workspace owned by its own user and changes HOME at run time, so a
# --global setting would be lost: trust every directory in the system config instead.
RUN git config --system --add safe.directory '*'

# Dependencies (and the build backend) first, every file checked against the lock's hashes.
COPY requirements/action.txt /tmp/launchgate/requirements/action.txt
RUN pip install --require-hashes -r /tmp/launchgate/requirements/action.txt

# Then launchgate itself, built with the locked backend: nothing unpinned is downloaded.
COPY pyproject.toml README.md /tmp/launchgate/
COPY launchgate /tmp/launchgate/launchgate
COPY checks /tmp/launchgate/checks
COPY schemas /tmp/launchgate/schemas
RUN pip install --no-deps --no-build-isolation /tmp/launchgate \
    && rm -rf /tmp/launchgate \
    && launchgate --version

ENTRYPOINT ["launchgate", "action"]
