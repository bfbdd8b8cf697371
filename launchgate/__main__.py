"""``python -m launchgate`` runs the CLI."""

from launchgate.cli import main

main()
