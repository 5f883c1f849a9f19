"""One folder per feature: its controllers (pages and API), service, schemas and guards.

A feature's public face is its package: what its ``__init__.py`` exports is what other
features may use (``from app.features.people import PERSON``); its modules are its own.
`make lint` checks it (import-linter, the contracts in pyproject.toml). The composition root
(``app/asgi.py``, the CLI, privacy, the demo) wires the modules themselves.
"""
