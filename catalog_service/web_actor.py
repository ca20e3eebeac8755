"""Who is acting in a web request.

People and tokens arrive with the web-pages and feeds issues; until then every
API call is recorded as the actor ``api``.
"""

from __future__ import annotations


def current_actor() -> str:
    return "api"
