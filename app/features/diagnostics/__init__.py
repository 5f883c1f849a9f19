"""Diagnostics: the resident's online form, paper entry, the API, and their results."""
