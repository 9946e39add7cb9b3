"""``python -m relcli``."""

from .script import run

run()
