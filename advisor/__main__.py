"""`python -m advisor` runs the advisor command."""

import sys

from .cli import main

sys.exit(main())
