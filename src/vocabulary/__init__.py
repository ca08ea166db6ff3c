"""The vocabulary of the public contract (CONTRACT §2): the closed code lists.

The bottom layer: it imports nothing of ours, and every other package reads its
codes from here (``from vocabulary import codes``).
"""

# Read by scoreledger_start (without importing us): this package is scoreledger's own.
__distribution__ = "scoreledger"
