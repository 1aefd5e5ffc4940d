"""What a DALI pipeline costs to start, and on which GPU it starts (faults 3-5 of the GPU-path
review): an epoch's pipeline opens short segment files, not the long video once per clip; every
pass over a video reuses one link (so DALI reuses its frame index); inference decodes on the
model's GPU."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
import torch
from pipeline_fixtures import dali_loader, games_of

import dudek_dali.pipelines.clip_loader as clip_loader_module
import dudek_dali.pipelines.game_reader as game_reader_module
from dudek_dali.clips import AugmentConfig, GameReaderConfig
from dudek_dali.pipelines import DaliGameReader
from dudek_dali.pipelines.links import shared_links

OPTIONS = {"clip_frames": 8, "stride": 2, "overlap": 4, "enforce_epoch_size": 4, "batch_size": 2}


def spy_builds(monkeypatch, module) -> list[tuple[str, dict]]:
    """Record (thread name, reader arguments) of every pipeline ``module`` builds."""
    builds: list[tuple[str, dict]] = []
    real = module.build_pipeline

    def build(spec, *, reader, **kwargs):
        builds.append((threading.current_thread().name, dict(reader)))
        return real(spec, reader=reader, **kwargs)

    monkeypatch.setattr(module, "build_pipeline", build)
    return builds


def test_an_epoch_of_a_long_video_builds_from_short_segment_files(bas_root, monkeypatch):
    """Every file-list line names a segment (a short file), not the long video itself."""
    builds = spy_builds(monkeypatch, clip_loader_module)
    games = games_of(bas_root)
    with dali_loader(games, segment_frames=50, augment=AugmentConfig.off(), **OPTIONS) as loader:
        segments = {str(shared_links().link(s.path)) for v in loader.segmented.values() for s in v.segments}
        next(iter(loader))
        ((_, reader),) = builds
        lines = Path(reader["file_list"]).read_text().split("\n")
    assert {line.split(" ")[0] for line in lines if line} <= segments


def test_every_pass_over_a_video_reads_it_through_the_same_link(bas_root, monkeypatch):
    """DALI caches a file's frame index by the path it is given: a new link per pass re-indexes."""
    builds = spy_builds(monkeypatch, game_reader_module)
    game = games_of(bas_root)[0]
    config = GameReaderConfig(clip_frames=16, stride=2, overlap=4, batch_size=8, chunk_frames=40)
    for _ in range(2):
        assert sum(len(b) for b in DaliGameReader(game, config)) > 0
    links = [reader["filenames"][0] for _, reader in builds]
    assert len(links) == 2 and links[0] == links[1] == str(shared_links().link(game.videos[0].path))


def test_inference_decodes_on_the_models_gpu(bas_root, monkeypatch):
    """``--device cuda:1`` used to decode on GPU 0 and copy every batch across GPUs: the resolved
    source's device reaches the reader, and the pipeline is built on that device's index."""
    from dudek_dali import sources

    seen = {}

    class Recorder:
        def __init__(self, game, config, *, device, **kwargs):
            seen["device"] = device

    monkeypatch.setattr("dudek_dali.pipelines.DaliGameReader", Recorder)
    source = sources.Source(name="dali-gpu", device=torch.device("cuda", 1), job="read")
    sources.create_game_reader(games_of(bas_root)[0], GameReaderConfig(), source=source)
    assert seen == {"device": torch.device("cuda", 1)}
    monkeypatch.undo()
    # The real reader (built, not run: that needs the GPU) puts its pipeline on that device.
    reader = DaliGameReader(games_of(bas_root)[0], GameReaderConfig(), device=torch.device("cuda", 1))
    assert (reader.spec.backend, reader.spec.device_id) == ("gpu", 1)


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the message of a machine without a GPU")
def test_a_gpu_request_without_a_gpu_names_the_cause(bas_root):
    from dudek_dali.errors import DudekError

    with pytest.raises(DudekError, match=r"the GPU cannot decode video here: .*(driver|CUDA)"):
        dali_loader(games_of(bas_root), "cuda", **OPTIONS)
