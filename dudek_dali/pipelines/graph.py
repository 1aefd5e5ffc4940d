"""The one DALI graph both loaders build: reader -> resize/crop -> camera -> colour -> blur -> flip
-> normalise, on DALI's ``gpu`` backend (NVDEC decode, GPU operators) or its ``cpu`` backend.

Only the reader's arguments differ between the training loader (a file list with one clip per
line) and the whole-game reader (whole files in consecutive chunks). Augmentation parameters
are not drawn in DALI: they come from the epoch plan through ``fn.external_source`` (one
sample per reader sample, in reader order) so every loader applies the same parameters; see
:mod:`dudek_dali.clips.augment` for their meaning and :func:`needed_params` for their order.
Stages whose probability is 0 are left out of the graph, so evaluation runs only decode, resize
and normalise.

Design choices:

* Resize comes first (with the crop as its region of interest, antialiased) and everything
  else runs at the output size (224x224 by default): the seed also augments its 224x224
  frames, and warping 80 small frames is much cheaper than 80 frames of 720p.
* The camera move is one ``warp_affine`` with a matrix per frame (``fn.per_frame``); outside
  the frame the edge pixel is repeated, so no black corners appear, except in dude-k's camera
  style, which fills black (``fill_value=0``; DALI takes one fill value per graph, and the style
  is one per run).
* The flip is the ``mirror`` of ``crop_mirror_normalize``, which also normalises and writes
  the (F, C, H, W) float layout PyTorch wants, in one pass.
* Each stage runs only on the clips that drew it: the external source feeds a per-clip flag
  and DALI's conditionals (``enable_conditionals``) split the batch on it. With the seed's
  probabilities (0.1 for crop and camera, 0.25 for colour and blur) that skips most of that work.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from dudek_dali.clips.augment import BLUR_WINDOW, AugmentConfig, ClipAugment, camera_fill
from dudek_dali.clips.pixels import IMAGENET_MEAN, IMAGENET_STD
from dudek_dali.pipelines.validation import Backend

READER = "reader"  # the reader's name, for epoch_size()


@dataclass(frozen=True)
class GraphSpec:
    """Everything the graph depends on besides the reader's source arguments.

    ``device_id`` is the CUDA device of the ``gpu`` backend (None on the ``cpu`` backend)."""

    backend: Backend
    device_id: int | None
    size: tuple[int, int]  # (height, width) of the delivered frames
    sequence_length: int
    stride: int
    batch_size: int
    num_threads: int = 2
    augment: AugmentConfig = field(default_factory=AugmentConfig.off)
    prefetch: int = 2


def import_dali() -> None:
    """Import DALI's operators now (benchmarks keep Python import time out of a loader's start-up)."""
    import nvidia.dali.fn  # noqa: F401


def needed_params(augment: AugmentConfig) -> tuple[str, ...]:
    """Names of the per-clip arrays the graph of ``augment`` consumes, in feeding order.

    Each stage gets an on/off flag (the graph's per-sample ``if``) and its parameters.
    """
    colour = max(
        augment.hue_proba, augment.saturation_proba, augment.brightness_proba, augment.contrast_proba
    )
    stages = (
        (augment.crop_proba, ("crop", "crop_start", "crop_end")),
        (augment.camera_proba, ("camera", "camera_matrices")),
        (augment.flip_proba, ("flip",)),
        (colour, ("colour", "hue", "saturation", "brightness", "contrast")),
        (augment.blur_proba, ("blur", "blur_sigma")),
    )
    return tuple(name for proba, names in stages if proba > 0 for name in names)


def augment_arrays(
    augment: ClipAugment, *, names: tuple[str, ...], num_frames: int, size: tuple[int, int]
) -> tuple[np.ndarray, ...]:
    """One clip's parameters as the arrays the graph's external source feeds, in ``names`` order."""
    x0, y0, x1, y1 = augment.crop
    height, width = size
    f32 = np.float32
    colour = (augment.hue, augment.saturation, augment.brightness, augment.contrast) != (0.0, 1.0, 1.0, 1.0)
    arrays = {
        "crop": lambda: np.array(augment.crop != (0.0, 0.0, 1.0, 1.0)),
        "crop_start": lambda: np.array([y0, x0], dtype=f32),  # DALI ROIs are in layout order (y, x)
        "crop_end": lambda: np.array([y1, x1], dtype=f32),
        "camera": lambda: np.array(augment.moves_camera),
        "camera_matrices": lambda: augment.camera_matrices(num_frames, width, height),
        "flip": lambda: np.array(int(augment.flip), dtype=np.int32),
        "colour": lambda: np.array(colour),
        "hue": lambda: np.array(augment.hue, dtype=f32),
        "saturation": lambda: np.array(augment.saturation, dtype=f32),
        "brightness": lambda: np.array(augment.brightness, dtype=f32),
        "contrast": lambda: np.array(augment.contrast, dtype=f32),
        "blur": lambda: np.array(augment.blur_sigma > 0),
        "blur_sigma": lambda: np.array(augment.blur_sigma, dtype=f32),
    }
    return tuple(arrays[name]() for name in names)


def build_pipeline(
    spec: GraphSpec,
    *,
    reader: dict[str, Any],
    params: Callable[[Any], tuple[np.ndarray, ...]] | None = None,
):
    """Build the graph. Outputs: frames (F, C, H, W) float32 on the device, label and frame
    numbers (F,) on the CPU.

    ``reader`` holds the source arguments of ``fn.experimental.readers.video`` (``file_list``
    and friends, or ``filenames``/``step``/``pad_mode``). ``params`` is a per-sample callback
    (``sample_info -> arrays`` named by :func:`needed_params`, see :func:`augment_arrays`),
    required when the spec's augmentation is enabled.
    """
    from nvidia.dali import pipeline_def

    augment = spec.augment
    if augment.enabled and params is None:
        raise ValueError("an augmenting graph needs the per-clip params callback")
    @pipeline_def(
        batch_size=spec.batch_size,
        num_threads=spec.num_threads,
        device_id=spec.device_id if spec.backend == "gpu" else None,
        prefetch_queue_depth=spec.prefetch,
        exec_dynamic=True,
        enable_conditionals=True,
    )
    def graph():
        return _graph(spec, reader, params)

    pipe = graph()
    pipe.build()
    return pipe


def _graph(spec: GraphSpec, reader: dict[str, Any], params: Callable | None):
    """The operators. DALI's conditionals run a stage only on the clips whose flag is set
    (a per-sample ``if``); stages with probability 0 are not built at all."""
    from nvidia.dali import fn, types

    frames, label, frame_numbers = fn.experimental.readers.video(
        device=spec.backend,
        name=READER,
        sequence_length=spec.sequence_length,
        stride=spec.stride,
        enable_frame_num="sequence",
        random_shuffle=False,
        **reader,
    )
    names = needed_params(spec.augment)
    p = {}
    if names:
        fed = fn.external_source(source=params, num_outputs=len(names), batch=False)
        p = {name: fed[i] for i, name in enumerate(names)}  # a list even for one output
    height, width = spec.size
    linear = types.INTERP_LINEAR
    resize = {"resize_x": width, "resize_y": height, "antialias": True, "interp_type": linear}
    if "crop" in p and p["crop"]:
        roi = {"roi_start": p["crop_start"], "roi_end": p["crop_end"], "roi_relative": True}
        x = fn.resize(frames, **resize, **roi)
    else:
        x = fn.resize(frames, **resize)
    if "camera" in p and p["camera"]:
        value = camera_fill(spec.augment.camera_style)
        fill = {} if value is None else {"fill_value": value}  # none: the edge pixels
        x = fn.warp_affine(
            x, matrix=fn.per_frame(p["camera_matrices"]), inverse_map=True, interp_type=linear, **fill
        )
    if "colour" in p and p["colour"]:
        x = fn.color_twist(
            x, hue=p["hue"], saturation=p["saturation"], brightness=p["brightness"], contrast=p["contrast"]
        )
    if "blur" in p and p["blur"]:
        x = fn.gaussian_blur(x, window_size=BLUR_WINDOW, sigma=p["blur_sigma"])
    x = fn.crop_mirror_normalize(
        x,
        mirror=p.get("flip", 0),
        mean=[m * 255 for m in IMAGENET_MEAN],
        std=[s * 255 for s in IMAGENET_STD],
        output_layout="FCHW",
        dtype=types.FLOAT,
    )
    # Labels and frame numbers come back on the CPU, moved inside the pipeline (its own stream,
    # prefetched): the loaders check them against the plan without a device sync per batch.
    return x, label.cpu(), frame_numbers.cpu()
