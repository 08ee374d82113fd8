"""Trellis entry point: `python main.py` opens the app; `python main.py --help` lists commands."""

import sys

from app.cli import main

if __name__ == "__main__":
    # a bundled app (docs/desktop.md) starts its render workers by running itself again:
    # this turns such a start into the worker instead of a second app
    import multiprocessing

    multiprocessing.freeze_support()
    sys.exit(main())
