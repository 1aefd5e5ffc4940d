"""``python -m dudek_dali`` runs the ``dudek`` command line."""

from dudek_dali.cli import main

main()
