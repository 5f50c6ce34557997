"""Who may write: `communique serve --allow-edits` and one secret token.

Without ``--allow-edits`` the server has no write route at all, and every request that
would write (POST, PUT, PATCH, DELETE) is answered 403 with what to do.  With it, every
such request must carry ``Authorization: Bearer <token>``, the token being
``$COMMUNIQUE_TOKEN`` or, when that is unset, a random one printed at start-up.  The
token is checked before the request body is read (:mod:`communique.api.security`) and
again by the routes themselves; tokens are compared in constant time.

The token sits in a header, never in a cookie, so another site cannot make a browser
send it (no CSRF), and no CORS header lets another origin read or write.
"""

from __future__ import annotations

import hmac
import os
import secrets
from dataclasses import dataclass, field
from typing import Annotated, Optional

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from communique.errors import CommuniqueError

TOKEN_VARIABLE = "COMMUNIQUE_TOKEN"
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
MIN_TOKEN_LENGTH = 16  # a token a person chose must still be hard to guess

READ_ONLY = ("this server is read-only: corrections need `communique serve --allow-edits` "
             "(and the token it prints, or $COMMUNIQUE_TOKEN)")
NO_TOKEN = "corrections need the server's token: send `Authorization: Bearer <token>`"
WRONG_TOKEN = "the token is wrong: use the one `communique serve --allow-edits` printed, or $COMMUNIQUE_TOKEN"


class TokenError(CommuniqueError, ValueError):
    """A token from the environment that is too weak to protect writes."""


@dataclass(frozen=True)
class EditSettings:
    """Whether the server takes corrections, and the token they need."""

    allowed: bool = False
    token: str = field(default="", repr=False)
    generated: bool = False  # made up at start-up (to be printed), not taken from the environment

    @classmethod
    def read_only(cls) -> "EditSettings":
        return cls()

    @classmethod
    def from_environment(cls, environ: Optional[dict[str, str]] = None) -> "EditSettings":
        """Edits allowed, with ``$COMMUNIQUE_TOKEN`` or a new random token."""
        environ = os.environ if environ is None else environ
        given = environ.get(TOKEN_VARIABLE, "")
        if given:
            return cls(allowed=True, token=check_token(given))
        return cls(allowed=True, token=secrets.token_urlsafe(32), generated=True)

    def accepts(self, presented: Optional[str]) -> bool:
        """Whether ``presented`` is the token (constant time, whatever its length or characters)."""
        if not self.allowed or not self.token or presented is None:
            return False
        return hmac.compare_digest(presented.encode("utf-8", "surrogateescape"),
                                   self.token.encode("utf-8", "surrogateescape"))


def check_token(token: str) -> str:
    token = token.strip()
    if len(token) < MIN_TOKEN_LENGTH:
        raise TokenError(f"${TOKEN_VARIABLE} is shorter than {MIN_TOKEN_LENGTH} characters: choose a longer, "
                         "random one (python -c 'import secrets; print(secrets.token_urlsafe(32))'), or unset "
                         "it and use the token the server prints")
    if any(ch.isspace() or ord(ch) < 33 or ord(ch) > 126 for ch in token):
        raise TokenError(f"${TOKEN_VARIABLE} must be printable ASCII without spaces (it travels in an HTTP header)")
    return token


def bearer_token(authorization: Optional[str]) -> Optional[str]:
    """The token of an ``Authorization: Bearer <token>`` header, or None."""
    if not authorization:
        return None
    scheme, _, credentials = authorization.partition(" ")
    if scheme.lower() != "bearer" or not credentials.strip():
        return None
    return credentials.strip()


def refusal(settings: EditSettings, authorization: Optional[str]) -> Optional[tuple[int, str]]:
    """(status, why) when a write must be refused, else None."""
    if not settings.allowed:
        return 403, READ_ONLY
    presented = bearer_token(authorization)
    if presented is None:
        return 401, NO_TOKEN
    if not settings.accepts(presented):
        return 401, WRONG_TOKEN
    return None


# Documents the scheme in the OpenAPI schema (Swagger UI's "Authorize"); the check is ours.
_bearer = HTTPBearer(auto_error=False, scheme_name="token",
                     description="the token `communique serve --allow-edits` printed, or $COMMUNIQUE_TOKEN")


def require_editor(request: Request,
                   credentials: Annotated[Optional[HTTPAuthorizationCredentials], Depends(_bearer)]) -> None:
    """A route dependency: the request carries the server's token (or 401 / 403)."""
    settings: EditSettings = getattr(request.app.state, "edits", EditSettings.read_only())
    refused = refusal(settings, request.headers.get("authorization"))
    if refused is not None:
        status, why = refused
        raise HTTPException(status, why, headers={"WWW-Authenticate": "Bearer"} if status == 401 else None)


Editor = Depends(require_editor)
