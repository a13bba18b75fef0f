"""One numpy random stream per source of randomness, derived from (seed, replication, source).

A stream depends only on those three, never on the order in which replications run, the
process they run in, or which other sources exist, so serial, parallel and cluster runs
agree to the last digit and two scenarios share their streams (common random numbers).
"""

from __future__ import annotations

import zlib

import numpy as np


def stream(seed: int, replication: int, source: str) -> np.random.Generator:
    """The generator for one source of randomness in one replication."""
    key = zlib.crc32(source.encode("utf-8"))
    return np.random.default_rng(np.random.SeedSequence(entropy=seed, spawn_key=(replication, key)))
