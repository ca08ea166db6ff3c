"""``python -m ledger`` (CONTRACT §1): hands over to the start-up, ``scoreledger_start``.

The command line is the application layer, above the ledger; the ledger never imports
it, so this module replaces the process with the start-up's entry point instead, which
checks that our import names are ours and then runs the command line.
"""

import os
import sys

os.execv(sys.executable, [sys.executable, "-m", "scoreledger_start", *sys.argv[1:]])
