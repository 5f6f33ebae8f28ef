"""Account records."""


class User:
    """A registered customer."""

    def __init__(self, email: str, password_hash: str):
        self.email = email
        self.password_hash = password_hash

    def display_name(self) -> str:
        return self.email.split("@")[0]


class Session:
    """A signed-in user's session."""

    def __init__(self, user: User, token: str):
        self.user = user
        self.token = token
