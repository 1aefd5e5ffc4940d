"""DALI pipeline speed on synthetic 224p games (VP9, keyframe every 250 frames like x264's default).

    python benchmarks/clip_pipelines.py [--device cpu|cuda] [--clips 32] [--minutes 2] [--data DIR]
        [--json out.json]

1. Training clips/s: clips of 80 frames at stride 2 resized to 224x224, the seed's augmentations
   on (and off), batches of 4, random windows (each clip seeks back to its keyframe).
2. Decode once: DALI's reader alone (no resize) reading a game as consecutive chunks of 12 or
   120 sampled frames, as the whole-game reader does, next to one read of the whole file and a
   PyAV decode of every frame. Reading only every 10th chunk shows what a seek costs: if
   consecutive chunks re-seeked, 12-frame chunks would cost ~10x those 13 seeking reads.
3. Whole-game reader (80-frame windows, overlap 68, resize + normalise + window assembly) with
   small and large chunks, next to a per-window reader (a clip loader over the same windows,
   each window seeking and decoding on its own).
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from dudek_dali.bench.throughput import clips_per_second as loader_clips_per_second
from dudek_dali.clips import AugmentConfig, GameReaderConfig, SamplingConfig
from dudek_dali.data.games import discover_games
from dudek_dali.data.synthetic import SynthConfig, synthesize_dataset
from dudek_dali.files import write_json
from dudek_dali.pipelines import DaliGameReader, create_dali_loader


def clips_per_second(games, device: str, clips: int, augment: AugmentConfig) -> float:
    sampling = SamplingConfig(clip_frames=80, stride=2, overlap=68, augment=augment, epoch_size=clips)
    loader = create_dali_loader(games, sampling, device=device, batch_size=4, num_threads=os.cpu_count() or 2)
    return loader_clips_per_second(loader)


def game_reader_seconds(game, device: str, chunk_frames: int) -> float:
    config = GameReaderConfig(clip_frames=80, stride=2, overlap=68, batch_size=4, chunk_frames=chunk_frames)
    reader = DaliGameReader(game, config, device=device, num_threads=os.cpu_count() or 2)
    start = time.perf_counter()
    windows = sum(len(batch) for batch in reader)
    assert windows == reader.num_windows(0)
    return time.perf_counter() - start


def per_window_seconds(game, device: str) -> float:
    """Every whole window of the game read as its own clip (seek + decode per window)."""
    sampling = SamplingConfig(
        clip_frames=80, stride=2, overlap=68, augment=AugmentConfig.off(), shuffle=False
    )
    loader = create_dali_loader(
        [game], sampling, device=device, batch_size=4, num_threads=os.cpu_count() or 2
    )
    start = time.perf_counter()
    with loader:
        for _ in loader:
            pass
    return time.perf_counter() - start


def reader_only_seconds(path: Path, chunk: int, *, every: int = 1) -> float:
    """DALI's reader alone over one file in chunks of ``chunk`` sampled frames (every ``every``-th)."""
    from nvidia.dali import Pipeline, fn

    from dudek_dali.pipelines.links import VideoLinks

    with VideoLinks() as links:
        pipe = Pipeline(batch_size=1, num_threads=1, device_id=None, prefetch_queue_depth=1)
        with pipe:
            _, numbers = fn.experimental.readers.video(
                device="cpu", filenames=[str(links.link(path))], sequence_length=chunk, stride=2,
                step=chunk * 2 * every, pad_mode="constant", enable_frame_num="sequence", name="r",
            )  # fmt: skip
            pipe.set_outputs(numbers)
        pipe.build()
        start = time.perf_counter()
        for _ in range(pipe.epoch_size("r")):
            pipe.run()
        return time.perf_counter() - start


def pyav_decode_seconds(path: Path) -> float:
    import av

    start = time.perf_counter()
    with av.open(str(path)) as container:
        for _ in container.decode(video=0):
            pass
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--device", choices=["cpu", "cuda"], default="cpu")
    parser.add_argument("--clips", type=int, default=32, help="clips per timed training epoch")
    parser.add_argument("--minutes", type=float, default=2.0, help="length of each of the 2 synthetic games")
    parser.add_argument("--data", type=Path, default=Path("/tmp/dudek-bench-synth-224"))
    parser.add_argument("--json", type=Path, help="also write the numbers here")
    args = parser.parse_args()

    synthesize_dataset(
        args.data, SynthConfig(layout="bas", games=2, minutes=args.minutes, resolution=224), progress=False
    )
    games = [g for g in discover_games(args.data, layout="bas", resolution=224).games if g.is_labelled]
    game = games[0]
    results = {
        "device": args.device,
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg()[0],
        "train_clips_per_s_augmented": clips_per_second(games, args.device, args.clips, AugmentConfig()),
        "train_clips_per_s_plain": clips_per_second(games, args.device, args.clips, AugmentConfig.off()),
        "game_frames": game.videos[0].num_frames,
        "pyav_decode_every_frame_once_s": pyav_decode_seconds(game.videos[0].path),
        "dali_reader_whole_file_s": reader_only_seconds(game.videos[0].path, 1500),
        "dali_reader_chunks_of_12_s": reader_only_seconds(game.videos[0].path, 12),
        "dali_reader_chunks_of_120_s": reader_only_seconds(game.videos[0].path, 120),
        "dali_reader_every_10th_chunk_of_12_s": reader_only_seconds(game.videos[0].path, 12, every=10),
        "game_reader_s_chunk_12": game_reader_seconds(game, args.device, 12),
        "game_reader_s_chunk_120": game_reader_seconds(game, args.device, 120),
        "per_window_reader_s": per_window_seconds(game, args.device),
    }
    for key, value in results.items():
        print(f"{key:34s} {value:.2f}" if isinstance(value, float) else f"{key:34s} {value}")
    if args.json:
        write_json(args.json, results)


if __name__ == "__main__":
    main()
