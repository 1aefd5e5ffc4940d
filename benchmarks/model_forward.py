"""T-DEED parameter counts and the time of one clip's forward pass, per backbone and precision.

    python benchmarks/model_forward.py [--models regnety_002 regnety_008] [--frames 80] [--size 224]
        [--device cpu|cuda] [--dtype fp32|bf16|fp16] [--repeats 3]

Builds the default architecture (GSF, ``n_layers`` 2, 25 outputs) with random weights, runs one
warm-up forward pass (oneDNN/cuDNN pick their kernels on the first call) and then times
``--repeats`` passes of a ``(1, frames, 3, size, size)`` clip in eval mode without gradients,
reporting the median. Reduced precisions run under autocast, as training and inference do.
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch

from dudek_dali.model import TDeedConfig, create_model

DTYPES = {"fp32": None, "bf16": torch.bfloat16, "fp16": torch.float16}


def _count(module: torch.nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


def _time_forward(
    model: torch.nn.Module, clip: torch.Tensor, *, dtype: torch.dtype | None, repeats: int
) -> float:
    device = clip.device.type
    times = []
    with torch.no_grad(), torch.autocast(device, dtype=dtype or torch.float32, enabled=dtype is not None):
        for i in range(repeats + 1):
            start = time.perf_counter()
            model(clip)
            if device == "cuda":
                torch.cuda.synchronize()
            if i:  # the first pass is the warm-up
                times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--models", nargs="+", default=["regnety_002", "regnety_008"])
    parser.add_argument("--frames", type=int, default=80)
    parser.add_argument("--size", type=int, default=224)
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    parser.add_argument("--dtype", default="fp32", choices=list(DTYPES))
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, device {args.device}, {args.dtype}")
    for name in args.models:
        model = (
            create_model(TDeedConfig(features_model_name=name, clip_frames=args.frames))
            .eval()
            .to(args.device)
        )
        clip = torch.randn(1, args.frames, 3, args.size, args.size, device=args.device)
        seconds = _time_forward(model, clip, dtype=DTYPES[args.dtype], repeats=args.repeats)
        shape = (1, args.frames, 3, args.size, args.size)
        print(
            f"{name}: {_count(model) / 1e6:.2f} M parameters (backbone {_count(model.backbone) / 1e6:.2f} M, "
            f"temporal {_count(model.temporal) / 1e6:.2f} M), feature dim {model.feature_dim}; "
            f"forward {shape}: {seconds:.2f} s (median of {args.repeats})"
        )


if __name__ == "__main__":
    main()
