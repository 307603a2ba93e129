"""``python -m tb_eval <command>``: command-line tools of tb-eval.

Commands:

- ``report LOGDIR [-o report.html]``: one self-contained HTML file with the evaluation
  dashboards (see ``docs/report.md``).
- ``doctor LOGDIR [--json]``: find the files that stop TensorBoard, with the fix for each
  (exit status 1 when there are some; see ``docs/http_api.md``, Troubleshooting).

Only the standard library is imported until a command runs.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

PROG = "python -m tb_eval"


def _non_negative(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a non-negative integer, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a non-negative integer, got {text!r}")
    return value


def _add_logdir(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "logdir", metavar="LOGDIR", help="a directory of runs (as for tensorboard --logdir)"
    )


def _add_report(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "report",
        help="write one self-contained HTML file with the evaluation dashboards",
        description="Write one self-contained HTML file (the dashboards' code and the data "
        "inlined: it opens from disk with no server and no network) with the Classification, "
        "Regression, Feature importance, Compare runs and Runs dashboards of LOGDIR, at each "
        "evaluation's newest step or at --step.",
    )
    _add_logdir(parser)
    parser.add_argument(
        "-o", "--output", default="report.html", metavar="FILE",
        help="the HTML file to write (default: report.html)",
    )  # fmt: skip
    parser.add_argument(
        "--run", action="append", dest="runs", metavar="PATTERN",
        help="include runs matching this glob pattern, e.g. 'sweep/*' (repeatable; default: all)",
    )  # fmt: skip
    parser.add_argument(
        "--name", action="append", dest="names", metavar="PATTERN",
        help="include evaluations, importances and confusion matrices whose name matches "
        "(repeatable; default: all)",
    )  # fmt: skip
    parser.add_argument(
        "--step", type=_non_negative, default=None,
        help="show this step instead of each evaluation's newest (entries without it are left out)",
    )  # fmt: skip
    parser.add_argument(
        "--title", default=None, help="the page title (default: 'tb-eval report: <logdir name>')"
    )
    parser.add_argument(
        "--max-classes", type=_non_negative, default=None, metavar="N",
        help="threshold-slider tables for at most N classes of a multiclass evaluation "
        "(~130 KB each; default: 10)",
    )  # fmt: skip
    parser.add_argument("-q", "--quiet", action="store_true", help="print nothing on stderr")
    parser.set_defaults(handler=_run_report, name="report")


def _run_report(args: argparse.Namespace) -> int:
    from tb_eval.html_report import DEFAULT_MAX_CLASSES, report

    path = report(
        args.logdir,
        args.output,
        runs=args.runs,
        names=args.names,
        step=args.step,
        title=args.title,
        max_classes=DEFAULT_MAX_CLASSES if args.max_classes is None else args.max_classes,
        progress=not args.quiet,
    )
    if not args.quiet:
        print(path, file=sys.stderr)
    return 0


def _add_doctor(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "doctor",
        help="find the files in a logdir that stop TensorBoard, with the fix for each",
        description="Check every event file under LOGDIR for what stops TensorBoard: a frame "
        "header claiming an absurd length (the data server aborts), a valid frame that is not "
        "an Event protobuf (the Python loader stops reloading), a directory named like an event "
        "file. Damage TensorBoard reads past (a cut-off last record, a bad checksum) is a note. "
        "Exit status: 0 when nothing stops TensorBoard, 1 when something does.",
    )
    _add_logdir(parser)
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.set_defaults(handler=_run_doctor, name="doctor")


def _run_doctor(args: argparse.Namespace) -> int:
    from tb_eval.doctor import PROBLEM, check_logdir, print_report

    findings = check_logdir(args.logdir)
    print_report(findings, args.logdir, sys.stdout, as_json=args.json)
    return 1 if any(finding.severity == PROBLEM for finding in findings) else 0


def parser() -> argparse.ArgumentParser:
    """The command-line parser of ``python -m tb_eval``."""
    top = argparse.ArgumentParser(prog=PROG, description="Command-line tools of tb-eval.")
    commands = top.add_subparsers(title="commands", dest="command", required=True)
    _add_report(commands)
    _add_doctor(commands)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``python -m tb_eval`` with ``argv``; returns the exit status (2 for a bad argument)."""
    top = parser()
    args = top.parse_args(argv)
    try:
        return args.handler(args)
    except (ValueError, OSError) as error:  # ReportError, FileNotFoundError, PermissionError
        print(f"{PROG} {args.name}: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
