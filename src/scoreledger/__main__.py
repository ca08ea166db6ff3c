"""``python -m scoreledger`` runs the command line."""

from .cli import run

run()
