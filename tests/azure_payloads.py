"""Azure ML's regression payloads as its schemas define them, shared by the tests of
``log_residuals`` and ``log_predictions(name, value)`` (routes and browser)."""

RESIDUALS = {
    "schema_type": "residuals",
    "schema_version": "1.0.0",
    "data": {"bin_edges": [-2.0, -1.0, 0.0, 1.0, 2.0], "bin_counts": [3, 10, 12, 5]},
}
PREDICTIONS = {
    "schema_type": "predictions",
    "schema_version": "1.0.0",
    "data": {
        "bin_averages": [0.25, 0.75],
        "bin_errors": [0.013, 0.042],
        "bin_counts": [56, 34],
        "bin_edges": [0.0, 0.5, 1.0],
    },
}
