"""The T-DEED architecture's options, validated when the config is built."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any, Literal, get_args

TemporalShiftMode = Literal["gsf", "gsm", "none"]
TEMPORAL_SHIFT_MODES: tuple[str, ...] = get_args(TemporalShiftMode)


@dataclass(frozen=True)
class TDeedConfig:
    """Everything that fixes the shapes of a :class:`~dudek_dali.model.TDeed`.

    ``clip_frames`` fixes the learned positional encoding and the clip length the temporal shift
    layers regroup the batch by; the temporal encoder-decoder itself works at any length (odd
    lengths are padded before each ÷2 pooling), so ``clip_frames`` need not be divisible by
    ``2 ** n_layers``. ``stride`` and ``input_size`` say how the model reads video: every
    ``stride``-th frame of 25 fps video, resized to ``input_size`` (height, width); they change no
    weight, but a model only works on the clips it was trained on, so they travel with it and
    inference cuts windows by them. ``num_outputs`` is the team-doubled ``2N + 1`` (25 for BAS, 35 for
    broadcast pretraining). ``pretrained`` asks timm for ImageNet weights from the Hugging Face hub.
    ``dropout`` is applied before the class head, ``displacement_dropout`` before the displacement
    head (dude-k drops 0.5 before both; 0 here keeps a model built from this config alone as it
    was; training sets both from its options).
    """

    features_model_name: str = "regnety_008"
    temporal_shift_mode: TemporalShiftMode = "gsf"
    clip_frames: int = 80
    stride: int = 2
    input_size: tuple[int, int] = (224, 224)
    num_outputs: int = 25
    n_layers: int = 2
    sgp_ks: int = 5
    sgp_k: int = 4
    dropout: float = 0.5
    displacement_dropout: float = 0.0
    pretrained: bool = False

    def __post_init__(self) -> None:
        if self.temporal_shift_mode not in TEMPORAL_SHIFT_MODES:
            raise ValueError(
                f"temporal_shift_mode must be one of {', '.join(TEMPORAL_SHIFT_MODES)}, "
                f"got {self.temporal_shift_mode!r}"
            )
        _require_int(self, "clip_frames", minimum=1)
        _require_int(self, "stride", minimum=1)
        object.__setattr__(self, "input_size", tuple(self.input_size))  # a list read back from a file
        if len(self.input_size) != 2 or not all(isinstance(v, int) and v >= 32 for v in self.input_size):
            raise ValueError(
                f"input_size must be (height, width) with both sides >= 32, got {self.input_size}"
            )
        _require_int(self, "n_layers", minimum=0)
        _require_int(self, "sgp_k", minimum=1)
        _require_int(self, "sgp_ks", minimum=1)
        if self.sgp_ks % 2 == 0:
            raise ValueError(f"sgp_ks must be odd so the SGP convolutions keep the length, got {self.sgp_ks}")
        _require_int(self, "num_outputs", minimum=3)
        if self.num_outputs % 2 == 0:
            raise ValueError(
                f"num_outputs must be 2N + 1 (background + N left + N right), got {self.num_outputs}"
            )
        for name in ("dropout", "displacement_dropout"):
            if not 0.0 <= getattr(self, name) < 1.0:
                raise ValueError(f"{name} must lie in [0, 1), got {getattr(self, name)}")
        if not isinstance(self.features_model_name, str) or not self.features_model_name:
            raise ValueError(
                f"features_model_name must be a timm model name, got {self.features_model_name!r}"
            )

    def to_dict(self) -> dict[str, Any]:
        """Plain ``str``/``int``/``float``/``bool`` values (sizes as lists): safe to store beside weights
        and in JSON (no pickle)."""
        values = asdict(self)
        values["input_size"] = list(self.input_size)
        return values

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> TDeedConfig:
        """Inverse of :meth:`to_dict`; unknown keys are an error (they mean another version wrote it)."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ValueError(f"unknown T-DEED config keys: {', '.join(unknown)}")
        return cls(**values)


def check_shift_mode(mode: object) -> None:
    """``ValueError`` naming the choices unless ``mode`` is a temporal shift mode."""
    if mode not in TEMPORAL_SHIFT_MODES:
        raise ValueError(
            f"temporal_shift_mode must be one of {', '.join(TEMPORAL_SHIFT_MODES)}, got {mode!r}"
        )


def check_timm_name(name: object) -> None:
    if not isinstance(name, str) or not name:
        raise ValueError(f"features_model_name must be a timm model name, got {name!r}")


def known_keys(values: dict[str, Any], config_type: type, *, family: str) -> dict[str, Any]:
    """``values`` when every key is a field of ``config_type``; unknown keys mean another version wrote it."""
    unknown = sorted(set(values) - {f.name for f in fields(config_type)})
    if unknown:
        raise ValueError(f"unknown {family} config keys: {', '.join(unknown)}")
    return dict(values)


def _require_int(config: Any, name: str, *, minimum: int) -> None:
    value = getattr(config, name)
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
