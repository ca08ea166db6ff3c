"""``python -m ledger`` (CONTRACT §1): hands over to ``python -m scoreledger``.

The command line is the application layer, above the ledger; the ledger never imports
it, so this module replaces the process with the application's entry point instead.
"""

import os
import sys

os.execv(sys.executable, [sys.executable, "-m", "scoreledger", *sys.argv[1:]])
