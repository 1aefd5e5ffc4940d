"""The whole-game readers: consecutive windows over every video, tail padded and marked (DALI on the
CPU and GPU; the readers that sample by time, PyAV and torchcodec, read these 25 fps videos frame
for frame the same)."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from pipeline_fixtures import DEVICES, TIME_READERS, game_reader, games_of, stamped_indices

from dudek_dali.clips import GameReaderConfig
from dudek_dali.data.targets import EventTable, TargetEncoder
from dudek_dali.pipelines import DaliGameReader

CONFIG = GameReaderConfig(clip_frames=16, stride=2, overlap=4, batch_size=4, chunk_frames=24)


@pytest.mark.parametrize("device", DEVICES + TIME_READERS)
@pytest.mark.parametrize("layout", ["bas", "broadcast"])
def test_windows_cover_every_video_to_its_tail(layout, device, request):
    game = games_of(request.getfixturevalue(f"{layout}_root"), layout)[0]
    reader = game_reader(game, CONFIG, device)
    batches = list(reader)
    assert len(batches) == len(reader)
    for v, video in enumerate(game.videos):
        windows = [(b, i) for b in batches for i in range(len(b)) if b.videos[i] == video.path]
        assert len(windows) == reader.num_windows(v)
        sampled = np.arange(0, video.num_frames, 2)
        for k, (batch, i) in enumerate(windows):
            assert int(batch.clip_ids[i]) == k
            starts = k * 12
            expected = [int(sampled[j]) if j < len(sampled) else -1 for j in range(starts, starts + 16)]
            numbers = batch.frame_numbers[i].tolist()
            assert numbers == expected
            mask = batch.mask[i].cpu().numpy()
            assert mask.tolist() == [n >= 0 for n in expected]
            real = batch.frames[i][torch.from_numpy(mask).to(batch.frames.device)]
            assert stamped_indices(real) == [n for n in expected if n >= 0]
            assert not batch.frames[i][torch.from_numpy(~mask).to(batch.frames.device)].any()
        last = windows[-1][0].frame_numbers[windows[-1][1]]
        assert int(last.max()) == int(sampled[-1])  # the tail is covered
        assert (last == -1).any()  # 150 sampled frames do not fill the last window


def test_targets_come_from_the_shared_encoder(bas_root):
    game = next(g for g in games_of(bas_root) if g.is_labelled)
    encoder = TargetEncoder(game.label_set, 4)
    video = game.videos[0]
    events = EventTable.from_annotations(
        video.annotations, label_set=game.label_set, fps=video.fps, key=f"{game.url_local}#1"
    )
    found = 0
    for batch in DaliGameReader(game, CONFIG):
        for i in range(len(batch)):
            expected = encoder.encode(events, batch.frame_numbers[i].numpy(), stride=2)
            assert batch.classes[i].tolist() == expected.classes.tolist()
            assert batch.displacement[i].tolist() == expected.displacement.tolist()
            found += int((batch.classes[i] > 0).sum())
    assert found > 0
