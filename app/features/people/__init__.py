"""People followed by a structure: records with consent, their diagnostics, export, erasure."""
