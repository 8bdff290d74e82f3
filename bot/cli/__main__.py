"""``python -m bot.cli``: the same as the ``csp-bot`` script."""

import sys

from bot.cli.main import main

sys.exit(main())
