"""``python -m permitsuite_admin``: the ``permitsuite`` command."""

import sys

from permitsuite_admin.cli import main

sys.exit(main())
