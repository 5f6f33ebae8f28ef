"""Session token signing."""
import hashlib
import hmac

SECRET_KEY = b"change-me"


def make_token(email: str) -> str:
    """Signs an email address into a session token."""
    return hmac.new(SECRET_KEY, email.encode(), hashlib.sha256).hexdigest()


def verify_token(email: str, token: str) -> bool:
    """Checks a session token against the email it was made for."""
    return hmac.compare_digest(make_token(email), token)
