"""scoreledger's application layer: the command line, the renderers and the demo.

The library lives below it (``vocabulary`` ← ``rules`` ← ``ledger`` ← ``projections``);
this package only reads arguments, calls the library, and writes what it returns.
"""
