"""DALI outputs to PyTorch: CUDA tensors on the GPU path, CPU tensors on the CPU path.

On the GPU the frames never visit the host: DALI's ``feed_ndarray`` copies the batch
device-to-device into a fresh torch tensor on the current torch stream. That one copy is
deliberate: DALI recycles its output buffers for the next prefetched batch, so a tensor that
merely aliased them would change under the training step. The CPU path goes through the same
function (a host memcpy), so the conversion code the GPU uses is exercised by CPU tests too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import torch


def is_gpu(tensor_list: Any) -> bool:
    from nvidia.dali.tensors import TensorListGPU

    return isinstance(tensor_list, TensorListGPU)


def to_numpy(tensor_list: Any) -> np.ndarray:
    """A batch of equal-shape DALI tensors (CPU or GPU) as one numpy array (a copy)."""
    if is_gpu(tensor_list):
        tensor_list = tensor_list.as_cpu()
    return np.array(tensor_list.as_tensor())


def to_torch(tensor_list: Any, *, device: torch.device) -> torch.Tensor:
    """A batch of equal-shape DALI tensors as one torch tensor on ``device``, the device they live on
    (the pipeline's CUDA device for GPU outputs, the CPU for CPU outputs)."""
    import torch
    from nvidia.dali.plugin.pytorch import feed_ndarray, to_torch_type

    gpu = is_gpu(tensor_list)
    if gpu != (device.type == "cuda"):
        where = "GPU" if gpu else "CPU"
        raise ValueError(f"DALI {where} outputs cannot be delivered on {device} without a copy")
    tensor = tensor_list.as_tensor()  # the batch as one dense tensor (samples have equal shapes)
    target = device
    out = torch.empty(tuple(tensor.shape()), dtype=to_torch_type[tensor.dtype], device=target)
    feed_ndarray(tensor, out, cuda_stream=torch.cuda.current_stream(target) if gpu else None)
    return out
