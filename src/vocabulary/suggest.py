"""Did-you-mean for a mistyped code, id, command or option (difflib's close matches).

In the bottom layer so that every layer's one-line errors can end the same way:
``…; did you mean 'adoption'?``.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def close_match(word: object, choices: Iterable[str]) -> str | None:
    """The choice `word` was most likely meant to be, or None when none is close.

    Case is ignored (``Adoption`` finds ``adoption``); otherwise difflib's ratio must
    reach 0.75: ``shahekuo`` finds ``shahekou``, ``scor`` ``score``, ``unti`` ``unit``;
    difflib's default of 0.6 would also take ``county/moon`` to ``county/township``, on
    the strength of their common prefix alone.
    """
    if not isinstance(word, str) or not word:
        return None
    by_lower: dict[str, str] = {}
    for choice in choices:
        by_lower.setdefault(choice.lower(), choice)
    if word.lower() in by_lower:
        return by_lower[word.lower()]
    found = difflib.get_close_matches(word.lower(), list(by_lower), n=1, cutoff=0.75)
    return by_lower[found[0]] if found else None


def did_you_mean(word: object, choices: Iterable[str]) -> str:
    """``"; did you mean 'X'?"`` for the closest choice, or ``""`` when none is close."""
    match = close_match(word, choices)
    return f"; did you mean {match!r}?" if match is not None and match != word else ""
