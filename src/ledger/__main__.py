"""``python -m ledger`` runs the scoreledger command line."""

from .cli import run

run()
