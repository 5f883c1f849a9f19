"""Database: models (one module per aggregate), engine settings and migrations."""
