"""dudek_dali: SoccerNet Ball Action Spotting with T-DEED fed by NVIDIA DALI video pipelines."""

__version__ = "0.1.0"
