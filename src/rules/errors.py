"""The one error the ``rules`` package raises for bad ruleset and revision files."""

from __future__ import annotations


class RulesError(ValueError):
    """A ruleset or revision cannot be loaded.

    The message is one line naming the file and the key path, e.g.
    ``dalian-2011.toml: clauses[3].points: expected a decimal string, got 0.5``,
    so the command line can print it as it is (exit status 2).
    """
