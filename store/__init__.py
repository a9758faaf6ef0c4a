"""The store, on SQLite or PostgreSQL: schema, migrations and every SQL statement
claimdesk runs."""

from store.db import Store, default_db_path, open_store, store_exists
from store.errors import ClaimdeskError, StoreError, UnknownIdError
from store.verdicts import ExportFilter

__all__ = [
    "ClaimdeskError",
    "ExportFilter",
    "Store",
    "StoreError",
    "UnknownIdError",
    "default_db_path",
    "open_store",
    "store_exists",
]
