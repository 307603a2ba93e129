import os

import pytest

# Tests never reach the network and never wait on a long flush interval.
os.environ.setdefault("PYTHONHASHSEED", "0")


@pytest.fixture(params=[True, False], ids=["load_fast", "load_slow"])
def load_fast(request) -> bool:
    """Both TensorBoard loaders: the Rust data server and the Python multiplexer."""
    return request.param
