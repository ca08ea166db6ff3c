"""Registers the event classes with Hypothesis, through its ``hypothesis`` entry points.

Hypothesis calls :func:`_hypothesis_setup_hook` when it is imported (pyproject.toml:
``[project.entry-points.hypothesis]``). After that, ``st.from_type(ledger.Submission)``
draws Submission objects, and ``st.from_type(ledger.Event)`` any event. The hook is
cheap: it only registers deferred strategies; ``ledger.testing`` (and its strategies) is
imported the first time one of them is drawn. Each object is the structured form
(``ledger.codec.structure``) of an event dict drawn by the strategy of its type in
``ledger.testing``, so it is exactly what the ledger would read from that JSON.

This module imports nothing at import time: a hook must not fail, whatever order the
ledger's own modules come to import each other in.
"""

from __future__ import annotations

from typing import Any


def _strategy_for(type_name: str) -> Any:
    from hypothesis import strategies as st

    from ledger import codec, testing

    def structure(obj: dict[str, Any]) -> Any:
        event, problems = codec.structure(obj)
        if event is None:  # pragma: no cover - a bug in ledger.testing
            raise AssertionError(f"ledger.testing drew an invalid {type_name}: {problems}")
        return event

    strategy = testing.EVENT_STRATEGIES[type_name]()
    return st.builds(structure, strategy)


def _hypothesis_setup_hook() -> None:
    """Register a lazy strategy for every class of ``ledger.events.EVENT_TYPES``."""
    try:
        from hypothesis import strategies as st

        from ledger.events import EVENT_TYPES, Event
    except ImportError as exc:  # a broken install must not break `import hypothesis`
        import warnings

        warnings.warn(f"scoreledger: no Hypothesis strategies for events ({exc})", stacklevel=2)
        return

    def deferred(name: str) -> Any:  # st.deferred takes a function, not a partial
        return st.deferred(lambda: _strategy_for(name))

    for name, cls in EVENT_TYPES.items():
        st.register_type_strategy(cls, deferred(name))
    names = tuple(EVENT_TYPES)
    st.register_type_strategy(
        Event, st.deferred(lambda: st.one_of([_strategy_for(name) for name in names]))
    )
