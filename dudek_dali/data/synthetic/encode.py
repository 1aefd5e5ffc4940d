"""How synthetic videos are encoded: the encoder options (the frames go through
:func:`dudek_dali.data.video_write.write_video`).

VP9 (libvpx) is what DALI's CPU decoder reads, so it is the default. The options are chosen
so frame-accurate seeking is really exercised:

* keyframes only every ``keyframe_interval`` frames (a seek decodes forward from the last one);
* ``lag-in-frames`` 25 + ``auto-alt-ref``: libvpx encodes hidden alternate-reference frames,
  VP9's counterpart of B-frames, shipped in "superframes" together with a shown frame, so
  packet order is not simply display order. With a target bitrate (VBR) libvpx's real-time
  mode places them; in constant-quality mode it places none, hence ``b`` below.
* ``deadline=realtime`` / ``cpu-used=8``: several hundred frames per second at 224p.

H.264 (libx264, 3 B-frames, no scene-cut keyframes) mirrors real SoccerNet files for GPU
(NVDEC) tests and for checking that the CPU path rejects it clearly.

libvpx and x264 outputs are deterministic for a given build and options (checked with 1 and 2
threads); they may differ between library builds or CPU instruction sets.
"""

from __future__ import annotations

from dudek_dali.data.synthetic.config import FPS, Codec

# Bits per pixel per frame for VP9's VBR target: ~0.33 Mbit/s at 398x224, ~3.5 Mbit/s at 720p
# (libvpx overshoots by ~20%).
_VP9_BITS_PER_PIXEL = 0.15


def codec_options(codec: Codec, width: int, height: int, keyframe_interval: int) -> dict[str, str]:
    """The encoder options of a synthetic video (module docstring)."""
    if codec == "vp9":
        bitrate = round(_VP9_BITS_PER_PIXEL * width * height * FPS / 1000) * 1000
        return {
            "deadline": "realtime",
            "cpu-used": "8",
            "auto-alt-ref": "1",
            "lag-in-frames": "25",
            "b": str(bitrate),
            "row-mt": "1",
            "tile-columns": "2" if width >= 1024 else "0",
        }
    return {
        "preset": "superfast",
        "crf": "23",
        "x264-params": f"keyint={keyframe_interval}:min-keyint={keyframe_interval}:scenecut=0:bframes=3",
    }
