"""Every stride delivers the planned frames, up to the last frame of the video (DALI's file-list
ranges must hold ``clip_frames * stride`` frames, which only equals span + 1 for stride 2)."""

import pytest
from pipeline_fixtures import DEVICES, games_of, stamped_indices

from dudek_dali.clips import AugmentConfig, SamplingConfig
from dudek_dali.pipelines import create_dali_loader


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("stride", [1, 2, 3, 5])
def test_all_windows_of_every_stride_are_delivered_exactly(bas_root, stride, device):
    game = games_of(bas_root)[0]
    clip_frames = 6
    sampling = SamplingConfig(
        clip_frames=clip_frames, stride=stride, overlap=0, augment=AugmentConfig.off(), shuffle=False
    )
    loader = create_dali_loader([game], sampling, device=device, batch_size=4, size=(112, 112))
    with loader:
        plan = loader.plan()
        delivered = []
        for batch in loader:
            for clip, numbers in zip(batch.frames, batch.frame_numbers, strict=True):
                assert stamped_indices(clip) == numbers.tolist()
                delivered.append(numbers.tolist())
    assert delivered == [[c.start + k * stride for k in range(clip_frames)] for c in plan]
    last_frame = game.videos[0].num_frames - 1
    assert max(n[-1] for n in delivered) > last_frame - clip_frames * stride
