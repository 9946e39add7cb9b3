"""The one place relcli asks what day it is, so tests (and users) can pin it.

``RELCLI_TODAY=YYYY-MM-DD`` fixes the date for relative input ("last year") and ``relcli on``.
"""

from __future__ import annotations

import os
from datetime import date


def today() -> date:
    pinned = os.environ.get("RELCLI_TODAY")
    if pinned:
        try:
            return date.fromisoformat(pinned)
        except ValueError:
            pass
    return date.today()
