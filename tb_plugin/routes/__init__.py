"""The plugin's HTTP routes, one module per group; each exposes a class with ``routes()``.

All routes are documented in ``docs/http_api.md``.
"""
