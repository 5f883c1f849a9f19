"""The trainers' home page: what a trainer can do here today."""
