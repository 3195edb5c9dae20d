"""``python -m multik``: the same commands as the ``multik`` console script."""

from multik.cli import main

raise SystemExit(main())
