"""Where frames come from: one resolved :class:`Source` object and one factory per job.

:func:`resolve_source` turns a user's choice (``auto``, ``dali-gpu``, ``dali-cpu``,
``torchcodec-gpu``, ``torchcodec-cpu``, ``frames``, ``pyav``) and the model's device into a
:class:`Source`, once; :func:`create_clip_loader` and :func:`create_game_reader` build the training
clip loader and the whole-game reader of a source.
"""

from dudek_dali.sources.factories import as_source, check_readable, create_clip_loader, create_game_reader
from dudek_dali.sources.source import (
    AUTO,
    SOURCE_CHOICES,
    SOURCE_HELP,
    SOURCE_NAMES,
    Job,
    Source,
    SourceName,
    check_source_name,
    resolve_source,
)

__all__ = [
    "AUTO",
    "SOURCE_CHOICES",
    "SOURCE_HELP",
    "SOURCE_NAMES",
    "Job",
    "Source",
    "SourceName",
    "as_source",
    "check_readable",
    "check_source_name",
    "create_clip_loader",
    "create_game_reader",
    "resolve_source",
]
