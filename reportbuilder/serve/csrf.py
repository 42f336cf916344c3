"""CSRF protection for every POST that writes or runs a posted spec: a synchronizer token bound
to the browser's session, plus a same-origin check.

The token is HMAC-SHA256(server secret, binding), where the binding is the sign-in session id
(`rb_session`) when there is one, else a random id in the `rb_csrf` cookie (a workspace without
users has no sign-in). Another site can neither read the token (same-origin policy) nor forge
it (the secret never leaves the server); a request whose `Origin` (or `Referer`) names another
origin, or whose `Sec-Fetch-Site` says cross-site, is refused even with the token.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import Response

from .sessions import COOKIE as SESSION_COOKIE

CSRF_COOKIE = "rb_csrf"
HEADER = "x-csrf-token"


class CsrfGuard:
    def __init__(self):
        self._secret = secrets.token_bytes(32)  # per process: a restart voids every token, as it does sessions

    def _token(self, binding: str) -> str:
        return hmac.new(self._secret, binding.encode("utf-8"), hashlib.sha256).hexdigest()

    @staticmethod
    def _binding(request: Request) -> str | None:
        return request.cookies.get(SESSION_COOKIE) or request.cookies.get(CSRF_COOKIE)

    def issue(self, request: Request) -> tuple[str, str | None]:
        """(the token for this browser, a new `rb_csrf` id to set, or None when it has a binding)."""
        binding = self._binding(request)
        fresh = None
        if binding is None:
            binding = fresh = secrets.token_urlsafe(32)
        return self._token(binding), fresh

    @staticmethod
    def set_cookie(response: Response, request: Request, fresh: str | None) -> Response:
        if fresh is not None:
            response.set_cookie(CSRF_COOKIE, fresh, httponly=True, samesite="strict",
                                secure=request.url.scheme == "https")
        return response

    @staticmethod
    def foreign(request: Request) -> bool:
        """Whether the request says it was sent from another site (Origin, else Referer, or Sec-Fetch-Site)."""
        own = f"{request.url.scheme}://{request.url.netloc}"
        origin = request.headers.get("origin")
        if origin is not None and origin != own:
            return True
        referer = request.headers.get("referer")
        if origin is None and referer:
            parts = urlsplit(referer)
            if f"{parts.scheme}://{parts.netloc}" != own:
                return True
        return request.headers.get("sec-fetch-site") == "cross-site"

    def refusal(self, request: Request, sent: str | None = None) -> str | None:
        """Why the POST is refused (None: it may proceed); `sent`: the token of a form field, else the header's."""
        if self.foreign(request):
            return "the request was sent from another site"
        binding = self._binding(request)
        sent = sent or request.headers.get(HEADER, "")
        if binding is None or not sent or not hmac.compare_digest(sent, self._token(binding)):
            return "missing or invalid CSRF token (reload the page)"
        return None
