"""The trainer's small parts: atomic checkpoints loaded without pickle, RNG state round trips,
mixup's draws and blends."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest
import torch

from dudek_dali.errors import CheckpointError
from dudek_dali.model import checkpoint as ckpt
from dudek_dali.train.mixup import mixup, mixup_draw
from dudek_dali.train.rng import capture_rng_state, restore_rng_state, seed_everything


def payload(value: float) -> dict:
    return {
        "format": ckpt.FORMAT,
        "kind": "model",
        "model": {"w": torch.full((3,), value)},
        "model_config": None,
    }


def test_write_is_atomic_and_leaves_no_temp_files(tmp_path: Path) -> None:
    path = tmp_path / "run" / "m.pt"
    ckpt.write_checkpoint(path, payload(1.0))

    class Unpicklable:
        def __reduce__(self):
            raise RuntimeError("crash in the middle of saving")

    broken = {**payload(2.0), "extra": Unpicklable()}
    with pytest.raises(RuntimeError, match="crash in the middle"):
        ckpt.write_checkpoint(path, broken)
    # The previous checkpoint is intact and no partial file is left behind.
    assert torch.equal(ckpt.read_checkpoint(path)["model"]["w"], torch.full((3,), 1.0))
    assert sorted(p.name for p in path.parent.iterdir()) == ["m.pt"]


class Payload:
    """An arbitrary object: a weights-only load must refuse it instead of running its code."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (Path(self.marker),))


def test_loading_never_unpickles_arbitrary_objects(tmp_path: Path) -> None:
    marker = tmp_path / "code ran"
    path = tmp_path / "evil.pt"
    torch.save({"format": ckpt.FORMAT, "model": Payload(str(marker))}, path)
    with pytest.raises(CheckpointError, match="refused: loading it would unpickle .*--trust-pickle"):
        ckpt.read_checkpoint(path)
    assert not marker.exists()


def test_bare_state_dict_is_a_model_checkpoint(tmp_path: Path) -> None:
    path = tmp_path / "seed.pt"
    torch.save({"a.weight": torch.ones(2)}, path)
    loaded = ckpt.read_checkpoint(path)
    assert loaded["kind"] == "model" and loaded["model_config"] is None
    assert torch.equal(loaded["model"]["a.weight"], torch.ones(2))
    with pytest.raises(CheckpointError, match="cannot be resumed"):
        ckpt.read_checkpoint(path, kind="training")


def test_file_names_beside_save_as() -> None:
    assert ckpt.last_path(Path("out/best model.pt")) == Path("out/best model.last.pt")
    assert ckpt.epoch_path(Path("out/m.pt"), 7) == Path("out/m.epoch007.pt")


def test_rng_states_round_trip_through_a_weights_only_checkpoint(tmp_path: Path) -> None:
    seed_everything(5)
    np.random.randn()  # leaves a cached gaussian in NumPy's legacy state
    path = ckpt.write_checkpoint(tmp_path / "rng.pt", {"format": ckpt.FORMAT, "rng": capture_rng_state()})
    expected = (random.random(), np.random.randn(4).tolist(), torch.rand(4).tolist())
    random.random(), np.random.rand(9), torch.rand(9)  # move every generator on
    restore_rng_state(torch.load(path, weights_only=True)["rng"])
    assert (random.random(), np.random.randn(4).tolist(), torch.rand(4).tolist()) == expected


def test_mixup_draw_is_a_function_of_seed_and_index() -> None:
    lam, partner = mixup_draw(4, alpha=0.2, seed=1, index=10)
    again_lam, again_partner = mixup_draw(4, alpha=0.2, seed=1, index=10)  # a second, independent draw
    assert (again_lam, again_partner.tolist()) == (lam, partner.tolist())
    assert mixup_draw(4, alpha=0.2, seed=2, index=10)[0] != lam  # the seed matters, not only the index
    draws = [mixup_draw(4, alpha=0.2, seed=1, index=i) for i in range(50)]
    assert all(0.5 <= lam <= 1.0 for lam, _ in draws)
    assert len({lam for lam, _ in draws}) == 50
    assert len({tuple(partner.tolist()) for _, partner in draws}) > 1  # partners change between batches
    for _, partner in draws:  # a permutation without fixed points: nobody mixes with itself
        assert sorted(partner.tolist()) == [0, 1, 2, 3]
        assert all(partner != np.arange(4))


@pytest.mark.parametrize("batch_size", [2, 3, 5])
def test_mixup_blends_each_clip_with_one_other_clip(batch_size: int) -> None:
    """The partner and weight are read back from the mixed batch itself, not from ``mixup_draw``.

    Clip ``i`` has class ``i + 1`` on its first frame, so its soft target names both clips of its
    mix and their weights; the frames must then be the same blend of the same two clips.
    """
    num_outputs = batch_size + 2
    frames = torch.randn(batch_size, 2, 3, 4, 4, dtype=torch.float64)
    classes = torch.stack([torch.arange(1, batch_size + 1), torch.zeros(batch_size, dtype=torch.long)], 1)
    shifts = torch.randn(batch_size, 2)
    for index in range(10):
        mixed = mixup(frames, classes, shifts, num_outputs=num_outputs, alpha=0.2, seed=0, index=index)
        partners = []
        for i in range(batch_size):
            weights = mixed.class_target[i, 0]
            (mixed_with,) = [c for c in torch.nonzero(weights).flatten().tolist() if c != i + 1]
            j, lam = mixed_with - 1, float(weights[i + 1])
            assert j != i and 0.5 <= lam < 1.0
            assert float(weights[mixed_with]) == pytest.approx(1 - lam)
            torch.testing.assert_close(mixed.frames[i], lam * frames[i] + (1 - lam) * frames[j])
            background = torch.zeros(num_outputs, dtype=torch.float64)
            background[0] = 1.0
            torch.testing.assert_close(mixed.class_target[i, 1].double(), background)  # both clips: class 0
            partners.append(j)
        assert sorted(partners) == list(range(batch_size))  # every clip is some clip's partner once
        assert len({float(mixed.class_target[i, 0, i + 1]) for i in range(batch_size)}) == 1  # one lam
        assert torch.equal(mixed.displacement_target, shifts)  # the dominant clip's offsets
        torch.testing.assert_close(mixed.class_target.sum(-1).double(), torch.ones(batch_size, 2).double())
        drawn_lam, drawn_partner = mixup_draw(batch_size, alpha=0.2, seed=0, index=index)
        assert partners == drawn_partner.tolist() and lam == pytest.approx(drawn_lam)


def test_mixup_of_a_single_clip_is_one_hot() -> None:
    frames = torch.randn(1, 2, 3, 4, 4)
    mixed = mixup(
        frames, torch.tensor([[2, 0]]), torch.zeros(1, 2), num_outputs=3, alpha=0.2, seed=0, index=0
    )
    assert torch.equal(mixed.frames, frames)
    assert mixed.class_target.tolist() == [[[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]]
