"""A structure's places and workshops: published once, read by the search, the pages and the exports."""
