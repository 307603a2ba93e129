"""The tb_eval TensorBoard plugin (server side).

TensorBoard finds it through the ``tensorboard_plugins`` entry point, which names
:class:`tb_plugin.loader.TbEvalLoader`. This package imports nothing on its own, so that loading
the entry point stays cheap and cannot fail on a missing optional dependency.
"""
