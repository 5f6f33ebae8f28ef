"""Database access."""
import sqlite3


class Database:
    """A connection to the shop's SQLite database."""

    def __init__(self, path: str):
        self.path = path
        self.connection = None

    def connect(self) -> None:
        self.connection = sqlite3.connect(self.path)

    def disconnect(self) -> None:
        if self.connection is not None:
            self.connection.close()

    def query(self, sql: str, *args):
        """Runs a query and returns its first row."""
        return self.connection.execute(sql, args).fetchone()

    def execute(self, sql: str, *args):
        """Runs a statement and commits it."""
        with self.connection:
            return self.connection.execute(sql, args).lastrowid
