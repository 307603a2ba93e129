"""One module per data kind that tb_eval writes: its tag naming, metadata and payload encoding.

The logger (``tb_eval.run``) and the TensorBoard plugin (``tb_plugin``) both import these modules,
so what is written and what is read cannot drift apart.
"""
