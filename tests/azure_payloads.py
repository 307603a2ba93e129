"""Azure ML's evaluation payloads as its schemas define them, shared by the tests of
``log_residuals``, ``log_predictions(name, value)`` (routes and browser),
``log_confusion_matrix`` and ``log_accuracy_table`` (``get_metrics``)."""

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
CONFUSION_MATRIX = {
    "schema_type": "confusion_matrix",
    "schema_version": "1.0.0",
    "data": {
        "class_labels": ["0", "1", "2", "3"],
        "matrix": [[3, 0, 1, 0], [0, 1, 0, 1], [0, 0, 3, 0], [0, 0, 0, 2]],
    },
}
#: Two classes at 5 probability thresholds; class 0's rows are its own one-vs-rest counts.
ACCURACY_TABLE = {
    "schema_type": "accuracy_table",
    "schema_version": "1.0.1",
    "data": {
        "probability_tables": [
            [[82, 118, 0, 0], [75, 31, 87, 7], [66, 9, 109, 16], [46, 2, 116, 36], [0, 0, 118, 82]],
            [
                [118, 82, 0, 0],
                [107, 36, 46, 11],
                [94, 14, 68, 24],
                [69, 3, 79, 49],
                [0, 0, 82, 118],
            ],
        ],
        "percentile_tables": [
            [[82, 118, 0, 0], [82, 67, 51, 0], [75, 26, 92, 7], [48, 3, 115, 34], [3, 0, 118, 79]],
            [
                [118, 82, 0, 0],
                [118, 35, 47, 0],
                [107, 13, 69, 11],
                [72, 2, 80, 46],
                [0, 0, 82, 118],
            ],
        ],
        "probability_thresholds": [0.0, 0.25, 0.5, 0.75, 1.0],
        "percentile_thresholds": [0.0, 0.01, 0.24, 0.98, 1.0],
        "class_labels": ["0", "1"],
    },
}
