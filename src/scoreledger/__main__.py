"""``python -m scoreledger`` runs the command line, through the start-up's name check."""

from scoreledger_start import main

main()
