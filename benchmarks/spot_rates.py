"""``dudek spot`` at other frame rates than the model learned: the demo's checkpoint on a test game.

    python benchmarks/spot_rates.py --checkpoint demo/model/tdeed_demo.pt [--work DIR] [--minutes 1.5]
        [--json out.json]

Writes the demo's first test game ("2019-10-01 - Stoke City - Huddersfield Town", the same
pixels as ``dudek demo`` synthesises) as ``dudek synth --codec h264`` writes it, re-encodes it to
30 fps Matroska and 50 fps MP4 (``retime_video``), runs ``dudek spot`` on all three and scores
each ``results_spotting.json`` against the game's labels (``dudek evaluate LABELS JSON``).
Events must land at the right time whatever the rate: the scores should agree within 0.05.
``--minutes`` shortens the games (the demo's length by default; shorter games differ in pixels and
labels from the demo's, so only its length gives the demo's test game).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

from dudek_dali.data.synthetic import SynthConfig, synthesize_dataset
from dudek_dali.demo import DemoConfig
from dudek_dali.files import write_json
from dudek_dali.prepare.transcode import retime_video

TEST_GAME = "2019-10-01 - Stoke City - Huddersfield Town"  # the third official game: a test game


def dudek(*args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "dudek_dali", *map(str, args)], capture_output=True, text=True
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--checkpoint", type=Path, required=True)
    parser.add_argument("--work", type=Path, default=Path("/tmp/spot-rates"))
    parser.add_argument("--minutes", type=float, default=DemoConfig().minutes, help="length of each game")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    demo = DemoConfig()
    config = SynthConfig(games=3, minutes=args.minutes, events_per_minute=demo.events_per_minute,
                         keyframe_interval=demo.keyframe_interval, seed=demo.seed, codec="h264")  # fmt: skip
    synthesize_dataset(args.work / "data", config, progress=False)
    game = next((args.work / "data").rglob(TEST_GAME))
    videos = {
        "25 fps MP4 (as synthesised)": game / "224p.mp4",
        "30 fps MKV": retime_video(game / "224p.mp4", args.work / "game 30 fps.mkv", 30).target,
        "50 fps MP4": retime_video(game / "224p.mp4", args.work / "game 50 fps.mp4", 50).target,
    }
    results = {}
    for name, video in videos.items():
        out = args.work / "spot" / name.split(" ")[0]
        done = dudek(
            "spot", video, "--model_checkpoint_path", args.checkpoint, "--out", out, "--threshold", "0.01"
        )
        if done.returncode:
            raise SystemExit(f"dudek spot failed on {video}: {done.stderr}")
        json_file = out / video.stem / "results_spotting.json"
        scored = dudek("evaluate", game / "Labels-ball.json", json_file, "--json")
        scores = json.loads(scored.stdout)
        results[name] = {
            "video": str(video),
            "team_map_at1": scores["team_map_at1"],
            "map_at1": scores["map_at1"],
        }
        print(f"{name:28s} team-mAP@1 {scores['team_map_at1']:.4f}  mAP@1 {scores['map_at1']:.4f}")
    if args.json:
        write_json(args.json, results)


if __name__ == "__main__":
    main()
