"""What every response and every request body gets, before any route runs: security headers, and a
hard cap on the bytes a body may have (declared by Content-Length or sent chunked).

A plain ASGI middleware (no buffering): a body over the cap is refused from its Content-Length
before a byte is read, or stops being read at the cap. Routes still apply their own, smaller
limits (``api.body.read_limited``).
"""

from __future__ import annotations

import json

from lcc_graph.errors import PayloadTooLarge

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
]


class GuardMiddleware:
    """Security headers on every response; request bodies capped at ``max_body`` bytes."""

    def __init__(self, app, max_body: int) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(n, v) for n, v in SECURITY_HEADERS if n not in present]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_body):
            await _refuse(send_with_headers, f"the body is {declared.decode('latin-1')[:20]} bytes; "
                                             f"the most any request may send is {self.max_body}")
            return
        received = 0

        async def capped_receive() -> dict:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    raise PayloadTooLarge(f"the body is over {self.max_body} bytes, the most any request may send")
            return message

        await self.app(scope, capped_receive, send_with_headers)


async def _refuse(send, message: str) -> None:
    body = json.dumps({"error": "payload_too_large", "message": message}).encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


def inline_script_csp(html: str) -> str:
    """The CSP for a page whose own inline scripts are allowed by their SHA-256 (Swagger UI's start-up)."""
    import base64
    import hashlib
    import re

    hashes = [
        "'sha256-" + base64.b64encode(hashlib.sha256(code.encode()).digest()).decode() + "'"
        for code in re.findall(r"<script>(.*?)</script>", html, flags=re.S)
    ]
    return CSP.replace("script-src 'self'", "script-src 'self' " + " ".join(hashes), 1)
