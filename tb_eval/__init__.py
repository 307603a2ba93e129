"""tb-eval: log runs as native TensorBoard event files, and evaluate models from logged predictions.

>>> import tb_eval
>>> run = tb_eval.start_logging("runs", experiment="demo", params={"lr": 0.1})  # doctest: +SKIP
>>> run.log("loss", 0.25)                                                        # doctest: +SKIP
>>> run.complete()                                                               # doctest: +SKIP
"""

from tb_eval.context import get_context
from tb_eval.evaluation import BinnedSummary, Prepared, Report, evaluate, prepare
from tb_eval.reader import CorruptRecordWarning, CorruptRunError, StoredRun, open_run
from tb_eval.run import Run, start_logging
from tb_eval.sweep import log_sweep

__all__ = [
    "BinnedSummary",
    "CorruptRecordWarning",
    "CorruptRunError",
    "Prepared",
    "Report",
    "Run",
    "StoredRun",
    "evaluate",
    "get_context",
    "log_sweep",
    "open_run",
    "prepare",
    "report",
    "start_logging",
]
__version__ = "0.1.0"


def __getattr__(name: str) -> object:
    # ``tb_eval.report`` is loaded on first use: it brings TensorBoard's loader and the plugin
    # (its module is ``tb_eval.html_report``, so importing it cannot shadow the function).
    if name == "report":
        from tb_eval.html_report import report

        return report
    raise AttributeError(f"module 'tb_eval' has no attribute {name!r}")
