"""scoreledger's application layer: the command line, the renderers and the demo.

The library lives below it (``vocabulary`` ← ``rules`` ← ``ledger`` ← ``projections``);
this package only reads arguments, calls the library, and writes what it returns.
"""

# Read by scoreledger_start (without importing us): this package is scoreledger's own.
__distribution__ = "scoreledger"
