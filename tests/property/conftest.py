"""Hypothesis settings of the property tests: no deadline (timing is not a property), and a
modest number of examples so that the folder runs in seconds. `HYPOTHESIS_PROFILE=thorough`
asks for many more."""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("storefront", deadline=None, max_examples=100)
settings.register_profile("thorough", deadline=None, max_examples=2_000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "storefront"))
