"""`python -m enews_tui`."""

import sys

from enews_tui.cli import main

sys.exit(main())
