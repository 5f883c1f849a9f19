"""Pathways in the service: the recommender's proposal per need after a diagnostic, what the
person and their mediator decide about it, and each step's status as bookings go."""
