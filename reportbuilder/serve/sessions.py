"""The sign-in page's sessions: a browser cannot add a bearer header, so it trades the token
once for a random session id in an HttpOnly, SameSite=Strict cookie.

Sessions live in the server's memory (a restart signs everyone out) and expire after
SESSION_S; the cookie carries no user data, only the random id.
"""
from __future__ import annotations

import secrets
import threading
import time

COOKIE = "rb_session"
SESSION_S = 12 * 3600


class Sessions:
    def __init__(self, lifetime_s: float = SESSION_S):
        self._lock = threading.Lock()
        self._by_id: dict[str, tuple[str, float]] = {}
        self.lifetime_s = lifetime_s

    def start(self, email: str) -> str:
        session = secrets.token_urlsafe(32)
        with self._lock:
            self._by_id[session] = (email, time.monotonic() + self.lifetime_s)
        return session

    def email(self, session: str | None) -> str | None:
        """The e-mail of a live session (None when unknown or expired)."""
        if not session:
            return None
        with self._lock:
            found = self._by_id.get(session)
            if found is not None and found[1] < time.monotonic():
                del self._by_id[session]
                found = None
        return found[0] if found else None

    def end(self, session: str | None) -> None:
        with self._lock:
            self._by_id.pop(session or "", None)
