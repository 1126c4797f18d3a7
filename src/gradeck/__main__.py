"""Allow `python -m gradeck`."""

import sys

from gradeck.cli import main

sys.exit(main())
