"""The closing summary of ``dudek demo``."""

from __future__ import annotations

from rich.table import Table

from dudek_dali.demo import DemoResult


def demo_summary(result: DemoResult) -> Table:
    table = Table(title="dudek demo", show_header=False)
    table.add_column("what")
    table.add_column("value")
    table.add_row("test team-mAP@1", f"{result.team_map_at1:.3f}")
    table.add_row("test mAP@1", f"{result.map_at1:.3f}")
    if result.best_epoch is not None and result.best_val_team_map is not None:
        table.add_row(
            "best epoch (validation team-mAP@1)", f"{result.best_epoch + 1} ({result.best_val_team_map:.3f})"
        )
    table.add_row("time (s)", ", ".join(f"{k} {v:g}" for k, v in result.seconds.items()))
    table.add_row("dataset", str(result.dataset))
    table.add_row("best checkpoint", str(result.checkpoint))
    table.add_row("TensorBoard", f"tensorboard --logdir '{result.log_dir}'")
    table.add_row("test predictions", str(result.test_predictions))
    table.add_row("challenge submission", str(result.submission))
    table.add_row("plots", "\n".join(str(p) for p in result.plots))
    return table
