"""What the pathway model learns from (read from the database) and the models it gave."""

from app.features.training_data.models import Stored, latest_model, store_model
from app.features.training_data.reading import read_records

__all__ = ["Stored", "latest_model", "read_records", "store_model"]
