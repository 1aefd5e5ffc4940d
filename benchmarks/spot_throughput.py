"""Frames/s of ``dudek spot`` on this machine, split into decode and model time.

    python benchmarks/spot_throughput.py [--minutes 2] [--codec h264] [--checkpoint demo/model/tdeed_demo.pt]
        [--json out.json]

Spots one synthetic game (``dudek synth --codec h264``: the codec SoccerNet ships, read by PyAV on
a CPU-only machine) with two models: the demo's architecture (regnety_002, 32-frame clips, 64x64,
no temporal shift; the given checkpoint, or random weights: throughput does not depend on them)
and the seed's input size on the small backbone (regnety_002, 80-frame clips, 224x224, GSF).
Reports video frames per second overall, and the seconds spent waiting for decoded windows
against the seconds in the model.
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
from dudek_dali.files import write_json
from dudek_dali.inference import SpotConfig, TrainedModel, load_model, spot_video
from dudek_dali.model.config import TDeedConfig
from dudek_dali.model.tdeed import create_model
from dudek_dali.sources import resolve_source

MODELS = {
    "demo (regnety_002, 32 frames, 64x64, no shift)": TDeedConfig(
        features_model_name="regnety_002", temporal_shift_mode="none", clip_frames=32, input_size=(64, 64)),
    "regnety_002, 80 frames, 224x224, gsf": TDeedConfig(features_model_name="regnety_002", clip_frames=80),
}  # fmt: skip


def random_model(config: TDeedConfig) -> TrainedModel:
    torch.manual_seed(0)
    return TrainedModel(create_model(config).eval(), config, BAS, torch.device("cpu"), "random weights")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=2.0)
    parser.add_argument("--codec", choices=["h264", "vp9"], default="h264")
    parser.add_argument("--checkpoint", type=Path, help="the demo's checkpoint (default: random weights)")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    results: dict[str, Any] = {"machine": describe_machine(), "codec": args.codec, "minutes": args.minutes}
    with tempfile.TemporaryDirectory(prefix="dudek-spot-bench-") as tmp:
        root = Path(tmp) / "data"
        synthesize_dataset(root, SynthConfig(games=1, minutes=args.minutes, codec=args.codec), progress=False)
        video = next(root.rglob("224p.mp4"))
        for name, config in MODELS.items():
            model = random_model(config)
            if args.checkpoint and name.startswith("demo"):
                model = load_model(args.checkpoint, device="cpu")
            source = resolve_source(device=model.device, job="read")
            result = spot_video(video, model, source=source, out=Path(tmp) / "out", config=SpotConfig())
            results[name] = {
                "source": result.source,
                "frames": result.frames,
                "seconds": result.seconds,
                "frames_per_s": result.frames / result.seconds,
                "decode_s": result.decode_seconds,
                "model_s": result.model_seconds,
                "decode_frames_per_s": result.frames / result.decode_seconds
                if result.decode_seconds
                else None,
            }
            print(name, json.dumps(results[name]))
    if args.json:
        write_json(args.json, results)


if __name__ == "__main__":
    main()
