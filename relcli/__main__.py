"""``python -m relcli``."""

import sys

from .cli import main

sys.exit(main())
