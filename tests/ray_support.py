"""A local Ray for tests and benchmarks, every server of it on the loopback interface."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_ENVIRONMENT = ("RAY_USAGE_STATS_ENABLED", "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "PYTHONPATH")


@contextlib.contextmanager
def local_ray(num_cpus: int = 2) -> Iterator[object]:
    """``ray.init`` of a one-machine Ray on 127.0.0.1, shut down (and the environment restored)
    on exit. Ray 2.60 turns ``_node_ip_address="127.0.0.1"`` into the machine's address unless
    it believes it runs without a cluster (``RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER=0``, read at
    import, and the constant it set), and then binds every server to 127.0.0.1. Workers get
    this checkout on ``PYTHONPATH`` (trainables are pickled by value and import tb_eval)."""
    saved = {name: os.environ.get(name) for name in _ENVIRONMENT}
    os.environ["RAY_USAGE_STATS_ENABLED"] = "0"
    os.environ["RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"] = "0"
    os.environ["PYTHONPATH"] = os.pathsep.join([ROOT, *filter(None, [saved["PYTHONPATH"]])])
    import ray
    from ray._private import ray_constants

    saved_flag = ray_constants.ENABLE_RAY_CLUSTER
    ray_constants.ENABLE_RAY_CLUSTER = False
    ray.init(
        num_cpus=num_cpus,
        include_dashboard=False,
        _node_ip_address="127.0.0.1",
        log_to_driver=False,
        configure_logging=False,
    )
    try:
        yield ray
    finally:
        ray.shutdown()
        ray_constants.ENABLE_RAY_CLUSTER = saved_flag
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
