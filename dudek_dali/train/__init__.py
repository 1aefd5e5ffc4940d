"""Training T-DEED: options (:mod:`.config`), ``setup`` -> ``fit`` (:mod:`.setup`, :mod:`.loop`),
checkpoints, TensorBoard logging, DDP. Import the submodules; this package imports no torch so
the CLI's ``--help`` stays fast.
"""
