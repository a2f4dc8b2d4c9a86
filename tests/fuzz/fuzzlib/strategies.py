"""The surfaces' generators as hypothesis strategies, and the settings the suite runs them with.

Each strategy draws a ``Random`` from hypothesis (``st.randoms``, seeded by hypothesis) and
hands it to the surface's generator. A seeded ``Random`` rather than one whose every call
hypothesis records: recorded calls lean hard towards each generator's first choice (a
quarter of the scenario cases came out as the same empty file), which is the opposite of
what a fuzzer needs. The price is that a failure is not shrunk, so shrinking is off; the
failure message shows the whole case instead, and the benchmark can draw it again.

The suite runs them derandomised: the same inputs on every run and on every machine, so a
red build always means a change in the code, never a lucky draw, and its failure can be
replayed exactly. New inputs come from ``benchmarks/fuzz.py`` (a fresh ``--seed`` each
time) and, on demand, from ``ROLEPLAY_FUZZ=explore``, which lets hypothesis draw freely
and ``ROLEPLAY_FUZZ_EXAMPLES`` times as many examples.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st

from fuzzlib.case import Case
from fuzzlib.mutate import SUITE_LIMITS, Limits
from fuzzlib.surfaces import SURFACES

EXPLORE = os.environ.get("ROLEPLAY_FUZZ", "").lower() == "explore"
"""Whether hypothesis draws new inputs on each run instead of the same ones."""


def cases(surface: str, limits: Limits = SUITE_LIMITS) -> st.SearchStrategy[Case]:
    """Cases of one surface (see :data:`fuzzlib.surfaces.SURFACES`)."""
    generate = SURFACES[surface]
    return st.randoms(use_true_random=True).map(lambda rng: generate(rng, limits))


def fuzz_settings(max_examples: int) -> settings:
    """Hypothesis settings for one fuzz test: few examples, no deadline, reproducible."""
    factor = int(os.environ.get("ROLEPLAY_FUZZ_EXAMPLES", "1")) if EXPLORE else 1
    return settings(
        max_examples=max_examples * factor,
        deadline=None,
        derandomize=not EXPLORE,
        database=None,
        print_blob=True,
        phases=(Phase.explicit, Phase.reuse, Phase.generate),
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.function_scoped_fixture,
        ],
    )
