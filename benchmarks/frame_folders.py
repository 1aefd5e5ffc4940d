"""The frame-folder approach: extraction speed, disk use, and loader speed next to DALI's.

    python benchmarks/frame_folders.py [--codec vp9|h264] [--games 2] [--minutes 2] [--clips 32]
        [--device cpu|cuda] [--with-dali] [--data DIR] [--json out.json]

1. ``extract_frames`` at the seed's settings (224p, stride 2, 224x224, JPEG q95) with one worker
   and with one worker per CPU: frames written per second, and the disk the folders take per
   game-minute (allocated blocks, like ``du``). Then the same call again, which must skip every
   video: the cost of the resume check.
2. Training clips/s of the frame loader (80 frames at stride 2, batches of 4, one DataLoader
   worker per CPU) with the seed's augmentations on and off; with ``--with-dali`` the DALI CPU
   loader over the same clips (VP9 only: this DALI build decodes H.264 on the GPU only).

Synthetic frames are noisier than broadcast football, so JPEGs (and the disk numbers) are
larger than real SoccerNet frames would give: read them as an upper bound.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from dudek_dali.bench.frame_prep import extraction
from dudek_dali.bench.throughput import clips_per_second
from dudek_dali.clips import AugmentConfig, SamplingConfig
from dudek_dali.data.games import discover_games
from dudek_dali.data.synthetic import SynthConfig, synthesize_dataset
from dudek_dali.files import write_json
from dudek_dali.frames import create_frame_loader, extract_frames
from dudek_dali.pipelines import create_dali_loader


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--codec", choices=["vp9", "h264"], default="vp9")
    parser.add_argument("--games", type=int, default=2)
    parser.add_argument("--minutes", type=float, default=2.0)
    parser.add_argument("--clips", type=int, default=32, help="clips per timed training epoch")
    parser.add_argument("--device", default="cpu", help="where the frame loader augments (cpu, cuda)")
    parser.add_argument("--with-dali", action="store_true", help="also time the DALI CPU loader")
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument("--json", type=Path, help="also write the numbers here")
    args = parser.parse_args()

    data = args.data or Path(f"/tmp/dudek-bench-frames-{args.codec}")
    config = SynthConfig(games=args.games, minutes=args.minutes, codec=args.codec)
    synthesize_dataset(data, config, progress=False)
    games = [g for g in discover_games(data).games if g.is_labelled]
    cpus = os.cpu_count() or 2
    results: dict[str, object] = {"codec": args.codec, "cpus": cpus, "load_average": os.getloadavg()[0]}
    results.update({f"extract_1_worker_{k}": v for k, v in extraction(games, 1).items()})
    results.update({f"extract_{cpus}_workers_{k}": v for k, v in extraction(games, cpus).items()})
    start = time.perf_counter()
    rerun = extract_frames(games, workers=cpus)
    assert rerun.extracted == [], "a second run must skip every finished video"
    results["resume_check_s"] = time.perf_counter() - start
    for name, augment in (("augmented", AugmentConfig()), ("plain", AugmentConfig.off())):
        sampling = SamplingConfig(
            clip_frames=80, stride=2, overlap=68, epoch_size=args.clips, augment=augment
        )
        loader = create_frame_loader(games, sampling, device=args.device, batch_size=4, num_workers=cpus)
        results[f"frame_loader_clips_per_s_{name}"] = clips_per_second(loader)
        if args.with_dali and args.codec == "vp9":
            with create_dali_loader(games, sampling, device="cpu", batch_size=4, num_threads=cpus) as dali:
                results[f"dali_cpu_clips_per_s_{name}"] = clips_per_second(dali)
    for key, value in results.items():
        print(f"{key:44s} {value:.2f}" if isinstance(value, float) else f"{key:44s} {value}")
    if args.json:
        write_json(args.json, results)


if __name__ == "__main__":
    main()
