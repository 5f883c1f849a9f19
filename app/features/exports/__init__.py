"""The offer in the national exchange formats: data·inclusion v1 (JSON) and the LaMednum 1.0.2 standard (CSV)."""
