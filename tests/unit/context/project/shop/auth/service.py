"""Authentication: signing users in and out."""
from shop.auth.models import Session, User
from shop.auth.tokens import make_token, verify_token
from shop.base import BaseService


class AuthService(BaseService):
    """Authenticates users against the store."""

    def login(self, email: str, password: str) -> Session:
        """Checks the password and opens a session."""
        row = self.database.query("select * from users where email = ?", email)
        user = User(row["email"], row["password_hash"])
        if not check_password(password, user.password_hash):
            raise PermissionError(email)
        return Session(user, make_token(email))

    def logout(self, session: Session) -> None:
        """Closes the session."""
        if verify_token(session.user.email, session.token):
            self.database.execute("delete from sessions where token = ?", session.token)


def check_password(password: str, password_hash: str) -> bool:
    """Compares a password with its stored hash."""
    return make_token(password) == password_hash
