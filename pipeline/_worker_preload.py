"""Imported once by the local engine's fork server: every worker forked from it starts ready.

Importing this module builds and warms the Extractor (see `pipeline.engines.warm_up`); it
never raises, because the fork server only tolerates import errors in what it preloads.
"""

from __future__ import annotations

import contextlib

with contextlib.suppress(Exception):
    from pipeline.engines import warm_up

    warm_up()
