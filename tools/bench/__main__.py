"""``make bench`` (``python -m tools.bench``): every figure against its floor, a table on
stdout and ``bench/results.json``. See :mod:`tools.bench`."""
import sys

from tools.bench import main

sys.exit(main())
