"""The territory pages of coordinators: the dashboard, the map of needs against the offer, the
white zones, each with its CSV; counts from the statistics layer only."""
