"""Who is asking: the workspace user whose `token_sha256` is the SHA-256 of the bearer token.

Every user's hash is compared (in constant time each) so that the answer time says nothing
about which user, or how much of a hash, matched.
"""
from __future__ import annotations

import hashlib
import hmac

from ..access.policy import Policy, User


class Unauthorized(Exception):
    """No valid token: answered 401 with a body that names nothing."""


def needs_token(policy: Policy | None) -> bool:
    return policy is not None and bool(policy.users)


def user_of(authorization: str | None, policy: Policy | None, session_email: str | None = None) -> User | None:
    """The user the `Authorization` header names, else the signed-in session's user (None when the
    workspace lists no users)."""
    if not needs_token(policy):
        return None
    scheme, _, token = (authorization or "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        found = policy.user(session_email) if session_email and not authorization else None
        if found is None:
            raise Unauthorized()
        return found
    return user_of_token(token, policy)


def user_of_token(token: str, policy: Policy) -> User:
    """The user whose token_sha256 is the hash of `token`; Unauthorized when none."""
    digest = hashlib.sha256(token.encode("utf-8")).hexdigest()
    found = None
    for user in policy.users:
        if user.token_sha256 is not None and hmac.compare_digest(digest, user.token_sha256):
            found = user
    if found is None:
        raise Unauthorized()
    return found


def user_of_request(request, policy: Policy | None, sessions) -> User | None:
    """The user of a request: its bearer header, else its sign-in session cookie (`sessions`)."""
    from .sessions import COOKIE

    return user_of(request.headers.get("authorization"), policy, sessions.email(request.cookies.get(COOKIE)))
