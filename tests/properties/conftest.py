"""Hypothesis profiles for the property suite.

* ``ci`` — Hypothesis's own ci profile (derandomized, no example database, no deadline,
  too_slow not checked) with 25 examples a test: loaded when ``CI=true``, as .ci/run sets.
* ``dev`` — 50 examples, random, the local example database kept: the default.
* ``thorough`` — 500 examples: ``HYPOTHESIS_PROFILE=thorough pytest tests/properties``.
* ``fuzz`` — 5,000 examples, random: the longer run of the fuzzers (docs/testing.md).

``HYPOTHESIS_PROFILE`` names the profile to load whatever ``CI`` says. Profiles are
global in Hypothesis: the loaded one is the default of every test that does not set its
own numbers.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

_SLOW = [HealthCheck.too_slow, HealthCheck.data_too_large]

settings.register_profile(
    "ci",
    settings.get_profile("ci"),
    max_examples=25,
    deadline=None,
    suppress_health_check=_SLOW,
)
settings.register_profile("dev", max_examples=50, deadline=None, suppress_health_check=_SLOW)
settings.register_profile("thorough", max_examples=500, deadline=None, suppress_health_check=_SLOW)
# print_blob: a finding prints @reproduce_failure(...), so it replays on any machine.
settings.register_profile(
    "fuzz", max_examples=5000, deadline=None, suppress_health_check=_SLOW, print_blob=True
)

_chosen = os.environ.get("HYPOTHESIS_PROFILE") or (
    "ci" if os.environ.get("CI", "").lower() == "true" else "dev"
)
settings.load_profile(_chosen)
