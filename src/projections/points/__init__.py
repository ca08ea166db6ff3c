"""The points replay, one module per clause kind and per RULES.md principle.

``state`` holds what the replay has gathered and the helpers every kind shares
(who an event scores for, the trace); ``submissions``, ``adoptions``,
``instructions``, ``activities``, ``rankings``, ``adjustments`` score one event
type each; ``vetoes`` and ``awards`` judge eligibility (principle 10); ``board``
turns the earned pieces into a scoreboard (caps' lines, hand-up of principle 5,
targets, ranks). ``projections.engine`` reads the log and runs them in order.
"""
