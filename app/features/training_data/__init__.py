"""What the pathway model learns from (read from the database) and the models it gave."""

from app.features.training_data.models import Stored, active_model, latest_model, store_model
from app.features.training_data.reading import context_of, read_records

__all__ = ["Stored", "active_model", "context_of", "latest_model", "read_records", "store_model"]
