"""The model card (``README.md``) of a Hub folder: what the model spots, how to run it, how it was made.

Everything on it comes from the checkpoint: the family and label set say what the outputs are
(with or without the team), the clip geometry which frames it reads, the stored training options
what it was trained on, and the stored metric its validation number. A converted model (dude-k,
OSL) says where it came from instead.

The command that trained it is rebuilt from the stored options by whoever knows how commands
are spelled (``training_command``: the CLI's :func:`~dudek_dali.cli.train_options.command_line`);
without one the card points at ``config.json``, which holds every option.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dudek_dali.data.labels import ACTION_SPOTTING, BAS, LabelSet
from dudek_dali.model.families import (
    E2E_SPOT,
    checkpoint_config,
    clip_geometry,
    family_of,
    has_teams,
)

_METRICS = {
    "map": "team-mAP@1 on the validation games",
    "loss": "validation loss",
    "osl_map": "mAP on the validation games, as OSL measured it (its own metric)",
}


def model_card(
    payload: Mapping[str, Any], *, repo_id: str | None = None, training_command: str | None = None
) -> str:
    """The ``README.md`` text (Hub YAML front matter, then Markdown) for a model ``payload``.

    ``repo_id`` (``org/name``) makes the usage line name the repository; otherwise a placeholder.
    ``training_command`` is the command line that trained it, when the caller can spell it.
    """
    config = checkpoint_config(payload, "checkpoint")
    label_set = _label_set(payload)
    geometry = clip_geometry(config)
    train = dict(payload.get("train_config") or {})
    converted = payload.get("converted_from")
    lines = [*_front_matter(payload, config, label_set), "", f"# {_title(config, label_set)}", ""]
    lines += [_architecture(config), "", _outputs(config, label_set), ""]
    height, width = geometry["input_size"]
    lines += [
        "## Frames it reads",
        "",
        f"Clips of {geometry['clip_frames']} frames, every {geometry['stride']}"
        f"{_ordinal(geometry['stride'])} frame of 25 fps video ({25 / geometry['stride']:.3g} frames "
        f"per second), resized to {height}x{width} (height x width), ImageNet-normalised.",
        "",
        "## Use",
        "",
        "With dudek_dali installed, spot a match video (the model is downloaded "
        "once into the Hugging Face cache):",
        "",
        "```bash",
        f"dudek spot match.mp4 --model-checkpoint-path hf://{repo_id or 'ORG/NAME'}",
        "```",
        "",
    ]
    if converted:
        lines += ["## Origin", "", str(payload.get("conversion_note") or f"Converted from {converted}."), ""]
    else:
        lines += _training(train, training_command)
    lines += _validation(payload, label_set)
    return "\n".join(lines).rstrip() + "\n"


def _label_set(payload: Mapping[str, Any]) -> LabelSet:
    name = payload.get("label_set") or BAS.name
    return ACTION_SPOTTING if name == ACTION_SPOTTING.name else BAS


def _front_matter(payload: Mapping[str, Any], config: Any, label_set: LabelSet) -> list[str]:
    """Hub metadata. No ``datasets``: a checkpoint knows the folder it was trained on, not which
    dataset that was (a synthetic look-alike has SN-BAS-2025's layout too)."""
    task = "ball-action-spotting" if label_set is BAS else "action-spotting"
    lines = ["---", "library_name: dudek_dali", "pipeline_tag: video-classification", "tags:"]
    lines += [f"- {tag}" for tag in dict.fromkeys(("action-spotting", task, "soccernet", family_of(config)))]
    if payload.get("base_model"):
        lines.append(f"base_model: {payload['base_model']}")
    return [*lines, "---"]


def _title(config: Any, label_set: LabelSet) -> str:
    what = "ball action spotting" if label_set is BAS else "action spotting"
    name = "E2E-Spot" if family_of(config) == E2E_SPOT else "T-DEED"
    shift = "no temporal shift" if config.temporal_shift_mode == "none" else config.temporal_shift_mode
    return f"{name} ({config.features_model_name}, {shift}) for SoccerNet {what}"


def _architecture(config: Any) -> str:
    shift = {"gsm": "Gate-Shift Module", "gsf": "Gate-Shift-Fuse", "none": "no temporal shift"}
    layers = shift[config.temporal_shift_mode]
    if family_of(config) == E2E_SPOT:
        gru = f"{_count(config.gru_layers, 'layer')}, {config.hidden_size} per direction"
        return (
            f"An **E2E-Spot** model (dudek_dali family `e2e-spot`): timm `{config.features_model_name}` "
            f"with {layers} layers in all four stages, a bidirectional GRU ({gru}) and a linear class head."
        )
    return (
        f"A **T-DEED** model (dudek_dali family `tdeed`): timm `{config.features_model_name}` with "
        f"{layers} layers in its last two stages, an ED-SGP-Mixer ({_count(config.n_layers, 'level')}), a "
        f"team-doubled class head and a displacement head."
    )


def _outputs(config: Any, label_set: LabelSet) -> str:
    classes = ", ".join(label_set.classes)
    if has_teams(config):
        return (
            f"It spots the {label_set.num_classes} actions ({classes}) **with the team** (left/right): "
            f"{config.num_outputs} outputs per frame (background + each action for either team) and a "
            f"displacement to the event's frame."
        )
    return (
        f"It spots the {label_set.num_classes} actions ({classes}) **without a team**: "
        f"{config.num_outputs} outputs per frame (background + one per action), no displacement."
    )


def _training(train: dict, command: str | None) -> list[str]:
    data = train.get("data") if isinstance(train.get("data"), Mapping) else train  # older: flat options
    if "layout" not in data:  # not a dudek training run (a converted model's frames, say)
        return []
    layout = "SN-BAS-2025's layout" if data["layout"] == "bas" else "the broadcast layout (pretraining)"
    where = f"the games in `{data.get('dataset_path')}` ({layout})"
    lines = ["## Training", "", f"Trained with dudek_dali on {where}"]
    if command is None:
        return [*lines[:-1], lines[-1] + "; `train_config` in config.json lists every option.", ""]
    lines[-1] += ". Options at their defaults are left out; `train_config` in config.json lists every one:"
    return [*lines, "", "```bash", command, "```", ""]


def _validation(payload: Mapping[str, Any], label_set: LabelSet) -> list[str]:
    metric = dict(payload.get("metric") or {})
    epoch = payload.get("epoch")  # epochs trained when the checkpoint was written
    at = f" (after {_count(epoch, 'epoch')})" if isinstance(epoch, int) else ""
    lines = ["## Validation", ""]
    if not metric:
        return [*lines, "No validation number is stored with this model (trained without validation)."]
    for name, value in metric.items():
        what = _METRICS.get(name, name)
        shown = f"{value * 100:.2f}" if name == "map" else f"{value:.4g}"
        lines.append(f"- {what}: **{shown}**{at}")
    return lines


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _ordinal(n: int) -> str:
    if 10 <= n % 100 <= 20:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
