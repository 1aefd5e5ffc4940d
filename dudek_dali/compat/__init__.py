"""dude-k's command lines, here: ``bas-frame-extract`` and ``bas-tdeed-train`` as aliases of ``dudek``.

:mod:`.commands` holds the two console scripts, :mod:`.options` every decision about what one of
dude-k's options means here. dude-k's checkpoints and frame folders are not special cases of this
room: they are formats read wherever checkpoints (:mod:`dudek_dali.model`) and frame folders
(:mod:`dudek_dali.frames`) are, so ``dudek`` reads them too.
"""
