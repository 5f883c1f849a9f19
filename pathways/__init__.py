"""Autonomy goals and workshop recommendation (rules + model). Filled by the pathways issue."""
