"""Errors raised for bad input. The CLI prints them as one line naming the file and the problem."""

from __future__ import annotations


class DudekError(Exception):
    """Base class of every error caused by the user's data, files or options."""


class LabelFileError(DudekError):
    """A label file is missing, unreadable or malformed."""


class VideoError(DudekError):
    """A video file is missing, unreadable, truncated, too short or of the wrong kind."""


class DatasetError(DudekError):
    """A dataset root has no usable games or is laid out wrongly."""


class CheckpointError(DudekError):
    """A checkpoint is missing, corrupt or belongs to another architecture."""


class HubError(DudekError):
    """The Hugging Face Hub refused or could not take a request (login, repository, network)."""


class SubmissionError(DudekError):
    """A predictions file or submission zip breaks the challenge format."""
