"""Integrations that let existing training code log through tb_eval."""

from tb_eval.integrations.summary_writer import SummaryWriter

__all__ = ["SummaryWriter"]
