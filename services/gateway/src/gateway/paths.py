"""The path the gateway forwards: decoded once, checked, re-encoded (pure).

The client's raw path is split on ``/`` *before* percent-decoding, so an
encoded ``%2F``, ``%3F`` or ``%23`` can never add a segment, start a query or
cut the path short upstream. Dot segments and empty segments (``//``, a
trailing slash) are not routable: they are how a client would walk out of a
routed prefix (``/v1/auth/../../metrics``) or make a service redirect to its
internal address. Control characters, a slash or backslash inside a segment
and bytes that are not UTF-8 cannot name any object and are refused rather
than forwarded.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, unquote

from chassis.errors import NotFound, ProblemError

# RFC 3986 pchar without "%": what may stand unencoded in a path segment.
SEGMENT_SAFE = "-._~!$&'()*+,;=:@"


class BadPath(ProblemError):
    status = 400
    slug = "bad-path"
    title = "Path cannot be forwarded"


@dataclass(frozen=True)
class ForwardPath:
    decoded: str  # what the route table and the rate limits match
    encoded: str  # what goes upstream


def _refused(value: str) -> bool:
    return any(ord(c) < 0x20 or ord(c) == 0x7F or c in "/\\" for c in value)


def forward_path(raw_path: bytes) -> ForwardPath:
    """Split, decode and re-encode ``raw_path`` (the request target without
    its query), or raise 404 (not routable) / 400 (not forwardable)."""
    text = raw_path.decode("latin-1")
    if not text.startswith("/"):
        raise NotFound("no route for this path")
    decoded: list[str] = []
    for segment in text[1:].split("/"):
        try:
            value = unquote(segment, errors="strict")
        except UnicodeDecodeError as exc:
            raise BadPath("the path is not valid UTF-8") from exc
        if value in ("", ".", ".."):
            raise NotFound("no route for this path (no empty or dot segments, no trailing slash)")
        if _refused(value):
            raise BadPath("the path contains a character that cannot be forwarded")
        decoded.append(value)
    return ForwardPath(
        decoded="/" + "/".join(decoded),
        encoded="/" + "/".join(quote(v, safe=SEGMENT_SAFE) for v in decoded),
    )
