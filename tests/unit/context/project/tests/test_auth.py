"""Tests of authentication."""
from shop.auth.service import AuthService, check_password
from shop.auth.tokens import make_token, verify_token


class TestAuthService:
    def test_login_opens_session(self):
        service = AuthService(None)
        service.login("a@b.c", "secret")

    def test_logout_closes_session(self):
        service = AuthService(None)
        service.logout(None)

    def test_login_rejects_bad_password(self):
        assert not check_password("x", "y")


def test_token_roundtrip():
    assert verify_token("a@b.c", make_token("a@b.c"))
