"""What a Compare view shows: its settings, their query-string form, and the classroom presets.

No UI here: pages read and write these; the URL codec and presets are tested on their own.
"""

from scenarios.presets import PRESETS, Preset
from scenarios.query import decode, encode
from scenarios.settings import LIMITS, Run, Settings

__all__ = ["LIMITS", "PRESETS", "Preset", "Run", "Settings", "decode", "encode"]
