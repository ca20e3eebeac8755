"""Security headers on every response, pages and API alike."""

from __future__ import annotations

from flask import Flask, request

# Pages use only their own scripts and styles. Inline style is allowed for the SVG charts (pygal
# writes <style> into the SVG); inline script never is.
PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
# Swagger UI's page starts itself with an inline script (flask-smorest's template).
DOCS_POLICY = PAGE_POLICY.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")
DOCS_PATH = "/api/v1/docs"


def init_app(app: Flask) -> None:
    strict_transport = app.config.get("SESSION_COOKIE_SECURE", True)
    page_policy, docs_policy = _with_provider(PAGE_POLICY, app), _with_provider(DOCS_POLICY, app)

    @app.after_request
    def _headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", docs_policy if request.path == DOCS_PATH else page_policy)
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if strict_transport:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if response.mimetype == "text/html":
            headers.setdefault("Cache-Control", "no-store")  # pages hold what only logged-in people may see
        return response


def _with_provider(policy: str, app: Flask) -> str:
    """The policy, letting the logout form's redirect reach the identity provider (RP-initiated logout)."""
    from urllib.parse import urlsplit

    issuer = urlsplit(app.config.get("OIDC_ISSUER") or "")
    if not issuer.scheme or not issuer.netloc:
        return policy
    return policy.replace("form-action 'self'", f"form-action 'self' {issuer.scheme}://{issuer.netloc}")
