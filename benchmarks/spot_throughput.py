"""Frames/s of ``dudek spot`` on this machine, split into decode and model time, per video source.

    python benchmarks/spot_throughput.py [--minutes 2] [--models demo,seed]
        [--sources dali-cpu,torchcodec-cpu,pyav] [--read-ahead auto] [--checkpoint demo/model/tdeed_demo.pt]
        [--json out.json]

Spots one synthetic game per codec through ``dudek spot``'s own path
(:func:`~dudek_dali.inference.spot_video`), once per model and per source that reads the video:
``dali-cpu`` the VP9 copy (DALI's CPU decoder reads no H.264), ``torchcodec-cpu`` and ``pyav`` the
H.264 one (the codec SoccerNet ships); ``dali-gpu`` and ``torchcodec-gpu`` both where CUDA is
visible. Both games are ``dudek synth`` output of the same length (398x224, 25 fps).

Models: ``demo``, the demo's architecture (regnety_002, 32-frame clips, 64x64, no temporal shift;
the given checkpoint, or random weights: throughput does not depend on them), and ``seed``, the
seed's input size on the small backbone (regnety_002, 80-frame clips, 224x224, GSF).

Per run: video frames per second over the whole call (``wall_s``: reading, the model,
post-processing, writing the files), the seconds spent waiting for the reader's windows
(``decode_s``: decoding, resizing, normalising, cutting windows) against the seconds in the model
(``model_s``), and ``decode_share`` = decode_s / wall_s.

``--read-ahead 0,1`` measures each source both ways, in turns: ``0`` decodes only when the model
asks for the next batch, ``1`` keeps a batch decoded in a thread while the model works
(:mod:`dudek_dali.clips.read_ahead`); ``auto`` (the default) is what ``dudek spot`` does here:
1 where a core is spare for the thread, else 0.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path
from typing import Any

import torch

from dudek_dali.bench.machine import describe_machine
from dudek_dali.data.labels import BAS
from dudek_dali.data.synthetic import SynthConfig, synthesize_dataset
from dudek_dali.errors import DudekError
from dudek_dali.files import write_json
from dudek_dali.inference import SpotConfig, TrainedModel, load_model, spot_video
from dudek_dali.model.config import TDeedConfig
from dudek_dali.model.tdeed import create_model
from dudek_dali.sources import resolve_source

MODELS = {
    "demo": ("regnety_002, 32 frames, 64x64, no shift (the demo's)", TDeedConfig(
        features_model_name="regnety_002", temporal_shift_mode="none", clip_frames=32, input_size=(64, 64))),
    "seed": ("regnety_002, 80 frames, 224x224, gsf", TDeedConfig(features_model_name="regnety_002",
                                                                clip_frames=80)),
}  # fmt: skip
CODEC_OF = {"dali-gpu": "h264", "dali-cpu": "vp9", "torchcodec-gpu": "h264", "torchcodec-cpu": "h264",
            "pyav": "h264"}  # fmt: skip


def random_model(config: TDeedConfig, device: torch.device) -> TrainedModel:
    torch.manual_seed(0)
    return TrainedModel(create_model(config).eval().to(device), config, BAS, device, "random weights")


def spot_row(
    video: Path, model: TrainedModel, source: str, out: Path, *, codec: str, read_ahead: int | None
) -> dict[str, Any]:
    """One ``dudek spot`` of ``video`` read by ``source``: its rates and the decode/model split."""
    chosen = resolve_source(source, device=model.device, job="read")
    result = spot_video(video, model, source=chosen, out=out, config=SpotConfig(read_ahead=read_ahead))
    return {
        "source": result.source,
        "codec": codec,
        "read_ahead": "auto" if read_ahead is None else read_ahead,
        "frames": result.frames,
        "wall_s": result.seconds,
        "frames_per_s": result.frames / result.seconds,
        "decode_s": result.decode_seconds,
        "model_s": result.model_seconds,
        "decode_share": result.decode_seconds / result.seconds,
        "decode_frames_per_s": result.frames / result.decode_seconds if result.decode_seconds else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=2.0)
    parser.add_argument("--models", default="demo,seed", help=f"comma-separated, among {', '.join(MODELS)}")
    parser.add_argument(
        "--sources", default=",".join(CODEC_OF), help="comma-separated (those that cannot run here: skipped)"
    )
    parser.add_argument(
        "--read-ahead", default="auto",
        help="comma-separated batches read ahead (0: none; auto: dudek spot's choice)",
    )
    parser.add_argument(
        "--vp9", action="store_true",
        help="every source reads the VP9 copy (DALI's CPU decoder reads only that)",
    )
    parser.add_argument("--checkpoint", type=Path, help="the demo's checkpoint (default: random weights)")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    models = [m for m in args.models.split(",") if m]
    sources = [s for s in args.sources.split(",") if s]
    depths = [None if d == "auto" else int(d) for d in args.read_ahead.split(",") if d]
    if not set(models) <= set(MODELS) or not set(sources) <= set(CODEC_OF):
        parser.error(f"--models among {', '.join(MODELS)}; --sources among {', '.join(CODEC_OF)}")
    codec_of = {s: "vp9" if args.vp9 else CODEC_OF[s] for s in sources}
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    results: dict[str, Any] = {"machine": describe_machine(), "minutes": args.minutes, "runs": {}}
    with tempfile.TemporaryDirectory(prefix="dudek-spot-bench-") as tmp:
        videos = {}
        for codec in sorted(set(codec_of.values())):
            root = Path(tmp) / codec
            synthesize_dataset(root, SynthConfig(games=1, minutes=args.minutes, codec=codec), progress=False)
            videos[codec] = next(root.rglob("224p.mp4"))
        for key in models:
            title, config = MODELS[key]
            model = random_model(config, device)
            if args.checkpoint and key == "demo":
                model = load_model(args.checkpoint, device=device)
            for source in sources:
                for depth in depths:
                    name = f"{key} / {source}" + f" / read-ahead {depth}" * (len(depths) > 1)
                    try:
                        video = videos[codec_of[source]]
                        row = spot_row(
                            video, model, source, Path(tmp) / "out", codec=codec_of[source], read_ahead=depth
                        )
                    except DudekError as err:  # a GPU source without CUDA, torchcodec missing
                        row = {"skipped": str(err)}
                    results["runs"][name] = {"model": title, **row}
                    print(name, json.dumps(results["runs"][name]), flush=True)
    if args.json:
        write_json(args.json, results)


if __name__ == "__main__":
    main()
