"""Dated sessions of workshops, alone or as a series, their changes and cancellation, and their import from CSV."""
