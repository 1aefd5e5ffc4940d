"""Benchmarks of the data paths users choose between: DALI (GPU or CPU) against frame folders.

Library code behind ``dudek benchmark`` and ``benchmarks/run_all.py``. Every study returns plain
dicts (JSON-ready) so the CLI, the results files and the README table are written from the same
numbers. Studies that compare loaders run each loader in a fresh process (:mod:`.isolate`), so
start-up time and memory are not inherited from the loader measured before it.

Heavy modules (torch, DALI, matplotlib) are imported inside the functions that need them.
"""
