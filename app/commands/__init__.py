"""Subcommands of `parcours`, one module per area."""
