"""Shared plumbing for services."""
from shop.storage.db import Database


class BaseService:
    """Holds the database every service talks to."""

    def __init__(self, database: Database):
        self.database = database

    def close(self):
        self.database.disconnect()
