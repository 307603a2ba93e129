"""SummaryWriter.add_hparams's experiment config (``hparam_domain_discrete``) against torch's
own writer in TensorBoard's HParams API, and calls refused on a closed writer, which must leave
its files as they are."""

from __future__ import annotations

import glob
import os

import numpy as np
import pytest
from tbparse import SummaryReader
from tensorboard.backend.event_processing.event_file_loader import LegacyEventFileLoader
from tensorboard.compat.proto import summary_pb2
from tensorboard.plugins.hparams import metadata as hparams_metadata

from tb_eval.integrations import SummaryWriter
from tb_eval.reader import read_run
from tests.tbserver import TensorBoardServer

torch = pytest.importorskip("torch")
from torch.utils.tensorboard import SummaryWriter as TorchWriter  # noqa: E402

EXPERIMENT_TAG = "_hparams_/experiment"
HPARAMS = {"lr": 0.1, "optimizer": "adam", "layers": 3, "dropout": None, "use_bn": True}
DOMAINS = {"optimizer": ["adam", "sgd"], "lr": [0.1, 0.01], "use_bn": [True, False]}
METRICS = {"hp/acc": 0.9, "hp/loss": 0.2}


def _records(directory, tag: str) -> list[int]:
    """The steps of ``tag``'s records in ``directory``'s event files (not below it)."""
    steps = []
    for path in sorted(glob.glob(os.path.join(str(directory), "*tfevents*"))):
        for event in LegacyEventFileLoader(path).Load():
            steps.extend(event.step for value in event.summary.value if value.tag == tag)
    return steps


def _experiment(directory):
    """The one experiment config in ``directory``'s event files, parsed by TensorBoard."""
    (content,) = [
        value.metadata.plugin_data.content
        for path in sorted(glob.glob(os.path.join(str(directory), "*tfevents*")))
        for event in LegacyEventFileLoader(path).Load()
        for value in event.summary.value
        if value.tag == EXPERIMENT_TAG
    ]
    return hparams_metadata.parse_experiment_plugin_data(content)


def _files(directory) -> dict[str, bytes]:
    """Every file below ``directory``, with its bytes."""
    out = {}
    for root, _, names in os.walk(directory):
        for name in names:
            path = os.path.join(root, name)
            with open(path, "rb") as handle:
                out[os.path.relpath(path, directory)] = handle.read()
    return out


@pytest.fixture(scope="module")
def logdirs(tmp_path_factory):
    """The same calls through torch's writer and ours, each in a logdir of its own (HParams
    uses one experiment config per logdir)."""
    root = tmp_path_factory.mktemp("hparams_domains")
    for name, factory in (("ours", SummaryWriter), ("torch", TorchWriter)):
        with factory(str(root / name)) as writer:
            writer.add_scalar("loss", 0.5, 0)
            writer.add_hparams(HPARAMS, METRICS, hparam_domain_discrete=DOMAINS)
    return root


@pytest.mark.parametrize("load_fast", [True, False], ids=["load_fast", "load_slow"])
def test_hparam_domain_discrete_gives_torchs_experiment(logdirs, load_fast):
    experiments, groups = {}, {}
    for name in ("ours", "torch"):
        with TensorBoardServer(logdirs / name, load_fast=load_fast) as tb:
            experiments[name] = tb.wait_for(
                lambda tb=tb: (
                    (e := tb.post_json("/data/plugin/hparams/experiment", {"experimentName": ""}))
                    and e.get("hparamInfos")
                    and e
                )
            )
            groups[name] = tb.wait_for(tb.session_groups)
    infos = {
        name: {info["name"]: info for info in experiment["hparamInfos"]}
        for name, experiment in experiments.items()
    }
    assert set(infos["ours"]) == set(infos["torch"]) == {"lr", "optimizer", "layers", "use_bn"}
    for key in ("lr", "optimizer", "layers"):  # the same types and domains as torch's
        ours, theirs = infos["ours"][key], infos["torch"][key]
        assert (ours["type"], ours.get("domainDiscrete")) == (
            theirs["type"],
            theirs.get("domainDiscrete"),
        )
    assert infos["ours"]["lr"]["domainDiscrete"] == [0.1, 0.01]
    assert infos["ours"]["optimizer"]["type"] == "DATA_TYPE_STRING"
    assert "domainDiscrete" not in infos["ours"]["layers"]
    # torch's isinstance(v, (int, float)) catches bools first: they become the numbers 1 and 0
    # in its session and its domain; ours stay bools, as our session records them.
    assert infos["torch"]["use_bn"]["type"] == "DATA_TYPE_FLOAT64"
    assert infos["torch"]["use_bn"]["domainDiscrete"] == [1.0, 0.0]
    assert infos["ours"]["use_bn"]["type"] == "DATA_TYPE_BOOL"
    assert infos["ours"]["use_bn"]["domainDiscrete"] == [True, False]
    metric_tags = {
        name: [m["name"] for m in experiment["metricInfos"]]
        for name, experiment in experiments.items()
    }
    assert (
        metric_tags["ours"]
        == metric_tags["torch"]
        == [
            {"group": "", "tag": "hp/acc"},
            {"group": "", "tag": "hp/loss"},
        ]
    )
    # one session, the writer's own run (torch's is a time-stamped sub-run), with its metrics
    assert list(groups["ours"]) == ["."]
    (session,) = groups["ours"]["."]["sessions"]
    (theirs,) = next(iter(groups["torch"].values()))["sessions"]
    assert groups["ours"]["."]["hparams"] == {
        "lr": 0.1,
        "optimizer": "adam",
        "layers": 3.0,
        "use_bn": True,
    }

    def values(session):
        return {m["name"]["tag"]: m["value"] for m in session["metricValues"]}

    assert values(session) == values(theirs) == pytest.approx(METRICS)


def test_the_experiment_config_goes_to_the_target_run_at_step_0(tmp_path):
    with SummaryWriter(tmp_path) as writer:
        writer.add_hparams({"lr": 0.1}, {"acc": 0.5}, global_step=3)  # no domain: no config
        writer.add_hparams(
            {"lr": 0.2}, {"acc": 0.7}, hparam_domain_discrete={"lr": [0.1, 0.2]}, run_name="trial"
        )
    assert _records(tmp_path, EXPERIMENT_TAG) == []
    assert _records(tmp_path / "trial", EXPERIMENT_TAG) == [0]


def test_the_experiment_config_is_written_once_per_run(tmp_path):
    domains = {"lr": [0.1, 0.2]}
    with SummaryWriter(tmp_path) as writer:
        writer.add_hparams({"lr": 0.1}, {"acc": 0.5}, domains, global_step=0)
        writer.add_hparams({"lr": 0.1}, {"acc": 0.6}, domains, global_step=1)  # the same: fine
        writer.flush()
        before = _files(tmp_path)
        with pytest.raises(ValueError, match=r"hparam_domain_discrete: .* already records"):
            writer.add_hparams({"lr": 0.1}, {"acc": 0.7}, {"lr": [0.1, 0.3]}, global_step=2)
        with pytest.raises(ValueError, match=r"hparam_domain_discrete: .* already records"):
            writer.add_hparams({"lr": 0.1}, {"acc": 0.7, "f1": 0.1}, domains, global_step=2)
        writer.flush()
        assert _files(tmp_path) == before
    with SummaryWriter(tmp_path) as again:  # a new writer continues the run: not written again
        again.add_hparams({"lr": 0.1}, {"acc": 0.8}, domains, global_step=2)
    assert _records(tmp_path, EXPERIMENT_TAG) == [0]
    assert _records(tmp_path, "acc") == [0, 1, 2]


# (domains, torch refuses them too, what the error names)
BAD_DOMAINS = [
    ([("lr", [0.1])], True, "expected a dict"),
    ({"other": [1]}, True, "'other' is not a key of hparam_dict"),
    ({"dropout": [0.1]}, True, "'dropout' is None in hparam_dict"),
    ({"lr": (0.1, 0.2)}, True, r"hparam_domain_discrete\['lr'\]: expected a non-empty list"),
    ({"lr": []}, False, r"hparam_domain_discrete\['lr'\]: expected a non-empty list"),
    ({"optimizer": ["adam", 3]}, True, r"\['optimizer'\]: 3 is not a str"),
    ({"lr": [0.1, "0.2"]}, True, r"\['lr'\]: '0.2' is not a number"),
    ({"use_bn": [True, 0]}, True, r"\['use_bn'\]: 0 is not a bool"),
    ({"lr": [0.1, True]}, True, r"\['lr'\]: True is not a number"),
    ({"lr": [0.1, float("nan")]}, False, r"\['lr'\]: nan is not a number \(finite\)"),
]


@pytest.mark.parametrize(("domains", "torch_refuses", "message"), BAD_DOMAINS)
def test_a_bad_domain_names_the_argument_and_writes_nothing(
    tmp_path, domains, torch_refuses, message
):
    hparams = {"lr": 0.1, "optimizer": "adam", "layers": 3, "dropout": None, "use_bn": True}
    with SummaryWriter(tmp_path / "ours") as writer:
        writer.flush()
        before = _files(tmp_path / "ours")
        with pytest.raises(TypeError, match="hparam_domain_discrete") as error:
            writer.add_hparams(hparams, {"acc": 0.5}, hparam_domain_discrete=domains)
        assert error.match(message)
        writer.flush()
        assert _files(tmp_path / "ours") == before
    if torch_refuses:  # the oracle: torch refuses these too
        with TorchWriter(str(tmp_path / "torch")) as theirs, pytest.raises(TypeError):
            theirs.add_hparams(hparams, {"acc": 0.5}, hparam_domain_discrete=domains)


def test_domain_values_of_the_hparams_type_are_taken(tmp_path):
    """Numbers of any Python, numpy or torch type fit a number hparam (torch wants the very
    type of the hparam's value: an int hparam takes no float); an int hparam takes bools too,
    as 1 and 0, as torch's does."""
    hparams = {"layers": 3, "scale": torch.tensor(0.5), "gate": np.bool_(True), "debug": 0}
    domains = {
        "debug": [True, False],
        "layers": [2, np.int64(3), 4.5],
        "scale": [torch.tensor(0.5), np.float32(1.0)],
        "gate": [True, np.bool_(False)],
    }
    with SummaryWriter(tmp_path) as writer:
        writer.add_hparams(hparams, {"acc": 0.5}, hparam_domain_discrete=domains)
    experiment = _experiment(tmp_path)
    found = {
        info.name: (info.type, [v.WhichOneof("kind") for v in info.domain_discrete.values])
        for info in experiment.hparam_infos
    }
    assert {name: kinds for name, (_, kinds) in found.items()} == {
        "debug": ["number_value"] * 2,
        "layers": ["number_value"] * 3,
        "scale": ["number_value"] * 2,
        "gate": ["bool_value"] * 2,
    }
    numbers = {
        info.name: [v.number_value for v in info.domain_discrete.values]
        for info in experiment.hparam_infos
    }
    assert numbers["layers"] == [2.0, 3.0, 4.5]
    assert numbers["debug"] == [1.0, 0.0]


def test_domain_values_are_listed_once_each_in_first_seen_order(tmp_path):
    """Values equal once converted (1, 1.0, True and numpy's 1 for a number hparam) are one
    value of the domain; HParams would list each copy."""
    hparams = {"n": 3, "optimizer": "adam", "use_bn": True}
    domains = {
        "n": [1, 3, True, 3.0, np.int64(1), 2],
        "optimizer": ["sgd", "adam", "sgd"],
        "use_bn": [False, True, np.bool_(False)],
    }
    with SummaryWriter(tmp_path) as writer:
        writer.add_hparams(hparams, {"acc": 0.5}, hparam_domain_discrete=domains)
    values = {
        info.name: [getattr(v, v.WhichOneof("kind")) for v in info.domain_discrete.values]
        for info in _experiment(tmp_path).hparam_infos
    }
    assert values == {"n": [1.0, 3.0, 2.0], "optimizer": ["sgd", "adam"], "use_bn": [False, True]}


def test_the_experiment_config_torch_writes_reads_back(tmp_path):
    """What a run's files hold as its experiment config (``read_run(...).experiment``), for
    the config torch's writer makes of the module's hparams and domains."""
    with TorchWriter(str(tmp_path)) as theirs:
        theirs.add_hparams(HPARAMS, METRICS, hparam_domain_discrete=DOMAINS, run_name="trial")
    domains, metrics = read_run(str(tmp_path / "trial")).experiment
    assert domains == {
        "lr": {"type": "float", "values": [0.1, 0.01]},
        "optimizer": {"type": "str", "values": ["adam", "sgd"]},
        "layers": {"type": "float"},
        "use_bn": {"type": "float", "values": [1.0, 0.0]},  # torch's bools are numbers
    }
    assert metrics == list(METRICS)


@pytest.mark.parametrize("run_name", [None, "trial"], ids=["own run", "sub-run"])
def test_a_new_writer_refuses_another_experiment_config_than_its_run_holds(tmp_path, run_name):
    directory = tmp_path if run_name is None else tmp_path / run_name
    domains, metrics = {"lr": [0.1, 0.2], "optimizer": ["adam"]}, {"acc": 0.5, "loss": 0.1}
    hparams = {"lr": 0.1, "optimizer": "adam"}
    with SummaryWriter(tmp_path) as first:
        first.add_hparams(hparams, metrics, domains, run_name=run_name, global_step=0)
    for reopen in (False, True):  # a new writer, then the same writer after close()
        writer = SummaryWriter(tmp_path)
        if reopen:
            writer.close()
        before = _files(tmp_path)
        for other_metrics, other_domains in (
            (metrics, {"lr": [0.1, 0.3], "optimizer": ["adam"]}),
            (metrics, {"lr": [0.1, 0.2]}),
            ({"acc": 0.6, "f1": 0.2}, domains),
        ):
            with pytest.raises(ValueError, match=r"hparam_domain_discrete: .* already records an"):
                writer.add_hparams(hparams, other_metrics, other_domains, run_name)
            assert _files(tmp_path) == before
        writer.close()
    with SummaryWriter(tmp_path) as again:  # the same config: metrics logged, no new config
        again.add_hparams(hparams, {"acc": 0.7, "loss": 0.05}, domains, run_name, global_step=1)
    assert _records(directory, EXPERIMENT_TAG) == [0]
    assert _records(directory, "acc") == [0, 1]
    assert [m.name.tag for m in _experiment(directory).metric_infos] == ["acc", "loss"]


# ---------------------------------------------------------------------- a closed writer
def _refused_calls(writer):
    """Calls refused by validation, for every shipped method, each with what its error says
    (the reason it is refused)."""
    step_0 = r"^global_step: 0 for '{}' must be greater than its last step 0"
    return [
        ("^scalar_value: expected numbers", lambda: writer.add_scalar("x", "not a number", 1)),
        (step_0.format("x"), lambda: writer.add_scalar("x", 2.0, 0)),  # step 0 of x is logged
        ("^tag: must not be empty", lambda: writer.add_scalar("", 2.0, 1)),
        (r"^global_step: must be from 0 .* got -1", lambda: writer.add_scalar("x", 2.0, -1)),
        ("^walltime: ", lambda: writer.add_scalar("x", 2.0, 1, walltime="now")),
        ("^tag: 't' already holds text", lambda: writer.add_scalar("t", 2.0, 1)),
        (r"^tag_scalar_dict\['a'\]: ", lambda: writer.add_scalars("p", {"a": "x"}, 1)),
        (step_0.format("p"), lambda: writer.add_scalars("p", {"new": 1.0, "a": 1.0}, 0)),
        ("^text_string: expected a str", lambda: writer.add_text("t", 3, 1)),
        (step_0.format("t"), lambda: writer.add_text("t", "again", 0)),
        ("^tag: 'x' already holds scalar", lambda: writer.add_text("x", "x holds scalars", 1)),
        ("^img_tensor: 2 dimensions", lambda: writer.add_image("i", np.zeros((4, 4)), 1)),
        (step_0.format("i"), lambda: writer.add_image("i", np.zeros((3, 4, 4)), 0)),
        (step_0.format("i"), lambda: writer.add_images("i", np.zeros((2, 3, 4, 4)), 0)),
        ("^values: contains NaN", lambda: writer.add_histogram("h", [np.nan], 1)),
        (step_0.format("h"), lambda: writer.add_histogram("h", [1.0, 2.0], 0)),
        (
            step_0.format("h"),
            lambda: writer.add_histogram_raw("h", 0, 1, 2, 1, 1, [1, 2], [1, 1], 0),
        ),
        (
            r"^predictions: values must lie in \[0, 1\]",
            lambda: writer.add_pr_curve("pr", [0, 1], [0.5, 2.0], 1),
        ),
        (step_0.format("pr"), lambda: writer.add_pr_curve("pr", [0, 1], [0.5, 0.5], 0)),
        (
            "^num_thresholds: must be at least 2, got 1",
            lambda: writer.add_pr_curve("pr", [0, 1], [0.5, 0.5], 1, num_thresholds=1),
        ),
        (
            "^false_positive_counts: 1 values, but true_positive_counts has 2",
            lambda: writer.add_pr_curve_raw("pr", [1, 2], [1], [1], [1], [1], [1], 1),
        ),
        (
            "^num_thresholds: must be at least 1, got 0",
            lambda: writer.add_pr_curve_raw("pr", [1], [1], [1], [1], [1], [1], 1, 0),
        ),
        (
            step_0.format("pr"),
            lambda: writer.add_pr_curve_raw("pr", [1], [1], [1], [1], [1], [1], 0),
        ),
        ("^hparam_dict: 'lr' is a object", lambda: writer.add_hparams({"lr": object()}, {})),
        # the run records lr=0.1
        ("^hparam_dict: .* already records hparams", lambda: writer.add_hparams({"lr": 0.5}, {})),
        (
            step_0.format("m"),
            lambda: writer.add_hparams({"lr": 0.1}, {"m": 2.0}, global_step=0),
        ),
        (
            r"^hparam_domain_discrete\['lr'\]: 'a' is not a number",
            lambda: writer.add_hparams({"lr": 0.1}, {}, hparam_domain_discrete={"lr": ["a"]}),
        ),
        (
            step_0.format("m"),
            lambda: writer.add_hparams({"lr": 0.1}, {"m": 2.0}, run_name="trial", global_step=0),
        ),
    ]


def _log_some(writer) -> None:
    writer.add_scalar("x", 1.0, 0)
    writer.add_text("t", "a", 0)
    writer.add_scalars("p", {"a": 1.0}, 0)
    writer.add_image("i", np.zeros((3, 4, 4)), 0)
    writer.add_histogram("h", [1.0, 2.0], 0)
    writer.add_pr_curve("pr", [0, 1], [0.5, 0.5], 0)
    writer.add_hparams({"lr": 0.1}, {"m": 1.0}, global_step=0)
    writer.add_hparams({"lr": 0.2}, {"m": 1.0}, run_name="trial", global_step=0)


def test_a_refused_call_on_a_closed_writer_writes_nothing(tmp_path):
    writer = SummaryWriter(tmp_path)
    _log_some(writer)
    writer.close()
    before = _files(tmp_path)
    for index, (reason, call) in enumerate(_refused_calls(writer)):
        with pytest.raises((TypeError, ValueError), match=reason):
            call()
        assert _files(tmp_path) == before, f"refused call {index} wrote"
        assert writer.file_writer is None  # still closed
    # a good call still reopens, in a new event file, as torch's writer does
    writer.add_scalar("x", 2.0, 1)
    writer.add_scalars("p", {"a": 2.0}, 1)
    writer.close()
    assert len(glob.glob(str(tmp_path / "*tfevents*"))) == 2
    torch_dir = tmp_path.parent / (tmp_path.name + "_torch")
    theirs = TorchWriter(str(torch_dir))
    theirs.add_scalar("x", 1.0, 0)
    theirs.add_scalars("p", {"a": 1.0}, 0)
    theirs.close()
    theirs.add_scalar("x", 2.0, 1)
    theirs.add_scalars("p", {"a": 2.0}, 1)
    theirs.close()

    def scalars(directory):
        frame = SummaryReader(str(directory), extra_columns={"dir_name"}).scalars
        frame = frame[frame["tag"].isin(["x", "p"])]
        return sorted(zip(frame["dir_name"], frame["tag"], frame["step"], frame["value"]))

    assert (
        scalars(tmp_path)
        == scalars(torch_dir)
        == [
            ("", "x", 0, 1.0),
            ("", "x", 1, 2.0),
            ("p_a", "p", 0, 1.0),
            ("p_a", "p", 1, 2.0),
        ]
    )


def test_a_refused_call_on_an_open_writer_writes_none_of_its_records(tmp_path):
    """add_scalars and add_hparams write several records: all are checked before the first."""
    with SummaryWriter(tmp_path) as writer:
        _log_some(writer)
        writer.flush()
        before = _files(tmp_path)
        for reason, call in _refused_calls(writer):
            with pytest.raises((TypeError, ValueError), match=reason):
                call()
        writer.flush()
        assert _files(tmp_path) == before
    assert not (tmp_path / "p_new").exists()


def test_a_refused_call_on_a_new_writer_of_a_logged_dir_writes_nothing(tmp_path):
    """Sub-runs another writer logged (add_scalars keys, add_hparams run names) are checked as
    their files hold them, before opening one writes a new event file into it."""
    with SummaryWriter(tmp_path) as writer:
        _log_some(writer)
    resumed = SummaryWriter(tmp_path)
    before = _files(tmp_path)
    for index, (reason, call) in enumerate(_refused_calls(resumed)):
        with pytest.raises((TypeError, ValueError), match=reason):
            call()
        assert _files(tmp_path) == before, f"refused call {index} wrote"
    with pytest.raises(ValueError, match="global_step: 0 for 'p' must be greater"):
        resumed.add_scalars("p", {"new": 1.0, "a": 1.0}, 0)
    resumed.close()
    assert not (tmp_path / "p_new").exists()


@pytest.mark.parametrize(
    "call",
    [
        lambda w: w.add_scalar("x", 1.0, 1, walltime=float("nan")),
        lambda w: w.add_scalars("p", {"a": 1.0}, 1, walltime=-1.0),
        lambda w: w.add_text("t", "a", 1, walltime="now"),
        lambda w: w.add_image("i", np.zeros((3, 4, 4)), 1, walltime=float("inf")),
        lambda w: w.file_writer.add_summary(summary_pb2.Summary(), 1, walltime="now"),
    ],
)
def test_a_bad_walltime_is_refused_naming_walltime(tmp_path, call):
    writer = SummaryWriter(tmp_path)
    with pytest.raises((TypeError, ValueError), match=r"^walltime: "):
        call(writer)
    writer.close()
