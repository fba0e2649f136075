"""What a Compare view shows: its settings, their query-string form, and the classroom presets.

No UI here: pages read and write these; the URL codec and presets are tested on their own.
"""

from scenarios.presets import PRESETS, Preset
from scenarios.query import decode, encode
from scenarios.settings import (
    CUSTOM,
    DEFAULT_FORMULA,
    LIMITS,
    Run,
    Settings,
    resolve_surface,
    surface_of,
)

__all__ = [
    "CUSTOM",
    "DEFAULT_FORMULA",
    "LIMITS",
    "PRESETS",
    "Preset",
    "Run",
    "Settings",
    "decode",
    "encode",
    "resolve_surface",
    "surface_of",
]
