"""PyAV against torchcodec (and DALI's CPU decoder on VP9) on one file: sequential decode, random
clips, whole-game readers.

    python benchmarks/decoders.py [--codec h264|vp9] [--minutes 1] [--clips 40] [--clip-frames 80]
        [--repeats 3] [--data DIR] [--json out.json]

Synthesises one game (``dudek synth --codec h264``: 398x224, B-frames, a keyframe every 250
frames; or ``--codec vp9``, the codec DALI's CPU decoder reads; reused when present) and
measures, one decoder thread each (torch's too), every method once per round and the rounds
interleaved (a busy machine slows all of them alike, not just the one that ran last):

1. **Sequential decode to RGB**, every frame at the video's size: PyAV's ``frame.to_ndarray
   (format="rgb24")`` (a new scaler per frame), PyAV through one kept ``VideoReformatter``
   (:class:`~dudek_dali.pyav.rgb.RgbScaler`), torchcodec's ``get_frames_in_range`` in chunks of
   100 frames. The same at 224x224: PyAV's per-frame ``to_ndarray(width=, height=)`` against the
   kept scaler.
2. **Random clips**: ``--clips`` random clips of ``--clip-frames`` (80) frames at stride 2 (each a
   seek back to a keyframe and a decode forward): PyAV (the decode loop of
   :class:`~dudek_dali.pyav.PyAVClipReader`, at the video's size) against torchcodec's
   ``get_frames_at``.
3. **Whole-game readers** over the file (80-frame windows, overlap 68, 224x224, chunks of 80;
   ``--clip-frames`` windows with 85% overlap), each source's
   (:func:`~dudek_dali.sources.create_game_reader`): PyAV's, torchcodec's on the CPU and, for
   VP9, DALI's on the CPU; video frames per second. These rows order ``auto``'s chain for
   reading whole games on the CPU (:mod:`dudek_dali.sources.source`).

Every number is the median over ``--repeats`` rounds, with the spread (min..max) beside it.
Without torchcodec (see ``dudek_dali.torchcodec.torchcodec_status``) its rows are left out.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import numpy as np

from dudek_dali.bench.machine import describe_machine
from dudek_dali.clips import GameReaderConfig
from dudek_dali.data.games import discover_games
from dudek_dali.data.synthetic import SynthConfig, synthesize_dataset
from dudek_dali.files import write_json
from dudek_dali.pyav.rgb import RgbScaler

STRIDE = 2


def pyav_sequential(path: Path, *, size: tuple[int, int] | None, kept: bool = False) -> int:
    """Decode every frame to RGB (at ``size``, or the video's own); the number of frames."""
    import av

    count = 0
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        stream.thread_count = 1
        height, width = size or (stream.height, stream.width)
        scaler = RgbScaler((height, width))
        for frame in container.decode(stream):
            if kept:
                scaler(frame)
            elif size is None:
                frame.to_ndarray(format="rgb24")
            else:
                frame.to_ndarray(width=width, height=height, format="rgb24")
            count += 1
    return count


def torchcodec_sequential(path: Path) -> int:
    from torchcodec.decoders import VideoDecoder

    decoder = VideoDecoder(str(path), seek_mode="exact", num_ffmpeg_threads=1)
    for first in range(0, len(decoder), 100):
        decoder.get_frames_in_range(first, min(first + 100, len(decoder)))
    return len(decoder)


def clip_starts(num_frames: int, clips: int, length: int) -> list[int]:
    rng = np.random.default_rng(0)
    return rng.integers(0, num_frames - (length - 1) * STRIDE, size=clips).tolist()


def pyav_clips(path: Path, starts: list[int], length: int) -> int:
    """Random clips as the PyAV floor reads them: seek to the keyframe before, decode forward."""
    import av

    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        stream.thread_count = 1
        scaler = RgbScaler((stream.height, stream.width))
        rate, base = float(stream.average_rate), float(stream.time_base)
        first = float(stream.start_time or 0) * base
        for start in starts:
            container.seek(int(round((start / rate + first) / base)), stream=stream, backward=True)
            got = 0
            for frame in container.decode(stream):
                index = round((float(frame.pts) * base - first) * rate)
                if index >= start and (index - start) % STRIDE == 0:
                    scaler(frame)
                    got += 1
                if got == length:
                    break
    return len(starts)


def torchcodec_clips(path: Path, starts: list[int], length: int) -> int:
    from torchcodec.decoders import VideoDecoder

    decoder = VideoDecoder(str(path), seek_mode="exact", num_ffmpeg_threads=1)
    for start in starts:
        decoder.get_frames_at(list(range(start, start + length * STRIDE, STRIDE)))
    return len(starts)


def game_reader(source: str, game, length: int) -> int:
    """Read every window of the game with ``source``'s whole-game reader; the number of video frames."""
    from dudek_dali.sources import create_game_reader

    windows = {"clip_frames": length, "stride": STRIDE, "overlap": round(0.85 * length)}
    config = GameReaderConfig(**windows, batch_size=4, chunk_frames=80)
    with create_game_reader(game, config, source=source, device="cpu", workers=1) as reader:
        for _ in reader:
            pass
    return game.videos[0].num_frames


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--codec", choices=["h264", "vp9"], default="h264", help="of the synthetic game")
    parser.add_argument("--minutes", type=float, default=1.0, help="length of the synthetic game")
    parser.add_argument("--clips", type=int, default=40, help="random clips per round")
    parser.add_argument("--clip-frames", type=int, default=80, help="frames per clip and window")
    parser.add_argument("--repeats", type=int, default=3, help="interleaved rounds (the median is reported)")
    parser.add_argument("--data", type=Path, help="where the game is written (default: under /tmp)")
    parser.add_argument("--json", type=Path, help="also write the numbers here")
    args = parser.parse_args()
    import torch

    torch.set_num_threads(1)  # one thread each: decoders, not core counts, are compared
    data = args.data or Path(f"/tmp/dudek-bench-decoders-{args.codec}-{args.minutes:g}min")
    synthesize_dataset(data, SynthConfig(games=1, minutes=args.minutes, codec=args.codec), progress=False)
    (game,) = discover_games(data).games
    path = game.videos[0].path
    length = args.clip_frames
    starts = clip_starts(game.videos[0].num_frames, args.clips, length)
    from dudek_dali.torchcodec import torchcodec_status

    status = torchcodec_status(cuda=False)
    fps, clips_s = "frames/s", "clips/s"
    jobs: dict[str, tuple[str, Callable[[], int]]] = {}
    for label, size in (("398x224", None), ("224x224", (224, 224))):
        sequential = partial(pyav_sequential, path, size=size)
        jobs[f"pyav sequential, to_ndarray per frame ({label})"] = (fps, sequential)
        jobs[f"pyav sequential, kept reformatter ({label})"] = (fps, partial(sequential, kept=True))
    jobs[f"pyav random {length}-frame clips, stride 2"] = (clips_s, partial(pyav_clips, path, starts, length))
    jobs["pyav whole-game reader"] = (fps, partial(game_reader, "pyav", game, length))
    if args.codec == "vp9":
        jobs["dali-cpu whole-game reader"] = (fps, partial(game_reader, "dali-cpu", game, length))
    if status.available:
        jobs["torchcodec sequential (398x224)"] = (fps, partial(torchcodec_sequential, path))
        jobs[f"torchcodec random {length}-frame clips, stride 2"] = (
            clips_s, partial(torchcodec_clips, path, starts, length)
        )  # fmt: skip
        jobs["torchcodec whole-game reader"] = (fps, partial(game_reader, "torchcodec-cpu", game, length))
    rates: dict[str, list[float]] = {name: [] for name in jobs}
    for _ in range(args.repeats):
        for name, (_, job) in jobs.items():
            start = time.perf_counter()
            count = job()
            rates[name].append(count / (time.perf_counter() - start))
    results = {
        "machine": describe_machine(),
        "video": {"path": str(path), "frames": game.videos[0].num_frames, "size": "398x224",
                  "codec": args.codec},
        "torchcodec": status.version if status.available else status.problem,
        "ffmpeg_for_torchcodec": status.ffmpeg,
        "rows": {
            name: {"unit": jobs[name][0], "median": statistics.median(r), "min": min(r), "max": max(r)}
            for name, r in rates.items()
        },
    }
    for name, row in results["rows"].items():
        spread = f"{row['min']:,.1f}..{row['max']:,.1f}"
        print(f"{name:50s} {row['median']:9,.1f} {row['unit']:8s} ({spread})")
    if args.json:
        write_json(args.json, results)


if __name__ == "__main__":
    main()
