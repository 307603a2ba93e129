"""Integrations that let existing training code log through tb_eval.

``SummaryWriter`` is here; the framework modules are imported on their own, so that importing
this package loads none of their frameworks: ``tb_eval.integrations.keras`` (``TbEvalCallback``),
``tb_eval.integrations.lightning`` (``TbEvalLogger``) and ``tb_eval.integrations.sklearn``
(``log_estimator``, ``log_search``).
"""

from tb_eval.integrations.summary_writer import SummaryWriter

__all__ = ["SummaryWriter"]
