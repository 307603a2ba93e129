"""Shared test configuration."""

import os

from hypothesis import settings

# In CI, property-based tests draw the same examples every run, so a red build is reproducible
# and never a roll of the dice; locally they keep exploring new examples.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")
