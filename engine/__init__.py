"""Trellis engine: the headless domain and runtime.

Contract: nothing under `engine/` imports Qt (PySide6/shiboken6). The engine runs in the
desktop app, in `main.py run`, in the CLI and in tests alike.
"""
