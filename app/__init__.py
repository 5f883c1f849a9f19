"""The service: composes the pure packages and does all I/O (web, database, files, CLI)."""
