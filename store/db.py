"""The store: articles, claims, reference claims, verdicts with their append-only
history, and saved matches, in one SQLite file or one PostgreSQL database.

`Store` is the one object the other layers hold: the connection (`store.connection`)
with the query areas as its methods. Every SQL statement in claimdesk lives in this
package.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from store.engine import is_database_url, location_name, redact
from store.errors import StoreError
from store.references import ReferenceQueries
from store.verdicts import VerdictQueries


class Store(VerdictQueries, ReferenceQueries):
    """A claimdesk database: opened, migrated and written through `StoreConnection`
    (`store.connection`), with the query areas' methods: articles, claims and saved
    matches (`store.articles`), reference claims and their embeddings
    (`store.references`), verdicts, history and evidence (`store.verdicts`)."""

    def count(self, table: str) -> int:
        if table not in {"articles", "claims", "reference_claims", "verdicts", "verdict_history"}:
            raise ValueError(table)
        return self.query(f"SELECT count(*) AS n FROM {table}")[0]["n"]


# A location written as a URL (scheme://...): only PostgreSQL's are stores; any other
# would otherwise be taken as a file path and create folders named after its parts.
_URL_FORM = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def check_location(location: str | Path) -> None:
    """StoreError when `location` is a URL of a kind no store lives at (mysql://,
    https://, a misspelt postgresql://), before anything is created there."""
    if isinstance(location, str) and _URL_FORM.match(location) and not is_database_url(location):
        raise StoreError(f"{redact(location)} is not a store claimdesk can open; give an SQLite "
                         "file path or a postgresql://USER@HOST/DB address.")


def default_db_location() -> str | Path:
    """`CLAIMDESK_DB` if set (a path or a postgresql:// URL), else claimdesk.db in the
    platform's user-data folder."""
    env = os.environ.get("CLAIMDESK_DB")
    if env:
        check_location(env)
        return env if is_database_url(env) else Path(env).expanduser()
    return user_data_folder() / "claimdesk.db"


def user_data_folder() -> Path:
    """claimdesk's folder in the platform's user-data folder (the default store, the
    desk's journal)."""
    import platformdirs

    return Path(platformdirs.user_data_dir("claimdesk", appauthor=False))


def default_db_path() -> Path:
    """The default store's file path (`default_db_location`), for an SQLite store."""
    location = default_db_location()
    if isinstance(location, str):
        raise StoreError(f"The default store ($CLAIMDESK_DB) is {location_name(location)}, not a file.")
    return location


def store_exists(location: str | Path | None = None) -> bool:
    """Whether a store is there: an SQLite file exists (a PostgreSQL server is asked when
    the store is opened, so a URL counts as there)."""
    target = location or default_db_location()
    check_location(target)
    return is_database_url(target) or Path(target).expanduser().exists()


def open_store(path: str | Path | None = None) -> Store:
    """Open (creating or upgrading) the store at `path` (a file path or a postgresql://
    URL), or at the default location."""
    location = path or default_db_location()
    check_location(location)
    if is_database_url(location):
        return Store(str(location))
    target = Path(location).expanduser()
    if target.exists() and target.is_dir():
        raise StoreError(f"The store path {target} is a folder, not a database file.")
    return Store(target)
