"""The errors the ``rules`` package raises for bad ruleset and revision files."""

from __future__ import annotations


class RulesError(ValueError):
    """A ruleset or revision cannot be loaded.

    The message is one line naming the file and the key path, e.g.
    ``dalian-2011.toml: clauses[3].points: expected a decimal string, got 0.5``,
    so the command line can print it as it is (exit status 2).
    """


class UnknownRuleset(RulesError):
    """A ruleset reference that names neither a shipped ruleset nor a file.

    Raised by ``rules.load`` for its argument and for a revision's ``extends``.
    ``ruleset_id`` is the reference as given, ``suggestion`` the shipped id it was
    most likely meant to be (None when none is close), ``shipped`` every shipped id.
    The message is the one line the command line prints.
    """

    def __init__(
        self,
        message: str,
        ruleset_id: str,
        suggestion: str | None = None,
        shipped: tuple[str, ...] = (),
    ) -> None:
        super().__init__(message)
        self.ruleset_id = ruleset_id
        self.suggestion = suggestion
        self.shipped = shipped

    def __reduce__(self) -> tuple[type[UnknownRuleset], tuple[object, ...]]:
        # Pickled whole (multiprocessing), not as Exception's bare message.
        return (type(self), (str(self), self.ruleset_id, self.suggestion, self.shipped))
