"""What real-length video costs the DALI path: a 45-minute 398x224 game (67,500 frames).

    python benchmarks/long_video.py [--data /tmp/long45] [--minutes 45] [--lines 200,800] [--skip-whole]
        [--json out.json]

Synthesises the game once (``dudek synth DATA --games 1 --minutes 45``; reused when present),
then measures, with DALI's CPU backend:

1. **Epoch pipeline build** (fault 4): the build of a training epoch's pipeline of N file-list
   lines, in the critical path (DALI holds the GIL), reading the 45-minute file itself (before)
   and reading it through segment files (after), plus the one-off remux into segments.
2. **Frame index** (fault 5): building a whole-game reader pipeline through a fresh link (before:
   every pass made a new link, so DALI indexed the file again) and through the same link again
   (after: one stable link per video per process).
3. **Packet scan** (fault 6): demuxing every packet to count the frames DALI will index.
4. **The whole-game reader** over the whole video (80-frame windows, overlap 68, 224x224): seconds
   and peak memory, in a fresh process.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

from dudek_dali.bench.isolate import run_isolated
from dudek_dali.bench.machine import describe_machine
from dudek_dali.clips import AugmentConfig, GameReaderConfig, SamplingConfig
from dudek_dali.data.games import discover_games
from dudek_dali.data.synthetic import SynthConfig, synthesize_dataset
from dudek_dali.files import write_json


def the_game(data: Path, minutes: float):
    synthesize_dataset(data, SynthConfig(games=1, minutes=minutes), progress=False)
    (game,) = discover_games(data).games
    return game


def epoch_build(game, lines: int) -> dict[str, float]:
    """Pipeline build of an epoch of ``lines`` clips: from the video itself, and from its segments."""
    import shutil

    from dudek_dali.pipelines import create_dali_loader
    from dudek_dali.pipelines.segments import segment_dir

    sampling = SamplingConfig(
        clip_frames=8, stride=2, overlap=0, epoch_size=lines, augment=AugmentConfig.off()
    )
    shutil.rmtree(segment_dir(game.videos[0].path, length=1500, overlap=16), ignore_errors=True)
    result: dict[str, float] = {"lines": lines}
    for name, segment_frames in (("whole_file", None), ("segments", 1500)):
        start = time.perf_counter()
        loader = create_dali_loader(
            [game], sampling, size=(64, 64), batch_size=2, segment_frames=segment_frames
        )
        created = time.perf_counter() - start
        with loader:
            plan = loader.plan()
            loader._build(plan)  # the file's frame index, cached by DALI from here on
            loader.set_epoch(1)  # the next epoch's file list, for the same clips
            start = time.perf_counter()
            loader._build(plan)
            result[f"{name}_build_s"] = time.perf_counter() - start
        if segment_frames:
            result["remux_s"] = created
    return result


def index_build(game) -> dict[str, float]:
    """Whole-game reader pipeline build: a fresh link (indexes the file) vs the same link again."""
    from dudek_dali.pipelines.graph import GraphSpec, build_pipeline
    from dudek_dali.pipelines.links import VideoLinks

    spec = GraphSpec(
        backend="cpu", device_id=None, size=(224, 224), sequence_length=80, stride=2, batch_size=2
    )
    path = game.videos[0].path
    times = {}
    with VideoLinks() as first, VideoLinks() as second:
        for name, link in (("new_link_s", first.link(path)), ("another_new_link_s", second.link(path)),
                           ("same_link_again_s", first.link(path))):  # fmt: skip
            start = time.perf_counter()
            pipe = build_pipeline(spec, reader={"filenames": [str(link)], "labels": [0], "step": 160})
            pipe.epoch_size("reader")
            times[name] = time.perf_counter() - start
            del pipe
    return times


def scan_seconds(game) -> dict[str, Any]:
    from dudek_dali.data.video_scan import scan_video

    start = time.perf_counter()
    scan = scan_video(game.videos[0].path)
    return {
        "scan_s": time.perf_counter() - start,
        "packets": scan.packets,
        "container": game.videos[0].num_frames,
    }


def whole_game(data: str) -> dict[str, Any]:
    """The DALI CPU game reader over every window of the video (run in a fresh process)."""
    import resource

    from dudek_dali.pipelines import DaliGameReader

    game = discover_games(Path(data)).games[0]
    start = time.perf_counter()
    reader = DaliGameReader(game, GameReaderConfig(), num_threads=2)
    windows = sum(len(batch) for batch in reader)
    seconds = time.perf_counter() - start
    return {
        "windows": windows,
        "expected_windows": reader.num_windows(0),
        "seconds": seconds,
        "frames_per_s": reader.videos[0].num_frames / seconds,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=Path("/tmp/long45"))
    parser.add_argument("--minutes", type=float, default=45.0, help="length of the synthetic game")
    parser.add_argument("--lines", default="200,800", help="epoch sizes (file-list lines) to build")
    parser.add_argument("--skip-whole", action="store_true", help="skip the whole-game read (minutes)")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    game = the_game(args.data, args.minutes)
    results: dict[str, Any] = {"machine": describe_machine(), "frames": game.videos[0].num_frames}
    results["scan"] = scan_seconds(game)
    results["index"] = index_build(game)
    results["epoch_build"] = [epoch_build(game, int(n)) for n in args.lines.split(",")]
    if not args.skip_whole:
        results["game_reader"] = run_isolated(whole_game, str(args.data))
    print(json.dumps({k: v for k, v in results.items() if k != "machine"}, indent=1))
    if args.json:
        write_json(args.json, results)


if __name__ == "__main__":
    main()
