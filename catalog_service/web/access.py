"""Who may open a page: a logged-in person with one of the page's roles.

Interface for page views in every area (the implementation follows with the login work):

    @bp.get("/stock")
    @page_roles(Role.hmc)
    def stock_page(): ...

Anonymous visitors are redirected to the login page; a person without the role gets the 403 page.
Every form posts a CSRF token: ``<input type="hidden" name="csrf_token" value="{{ csrf_token() }}">``.
"""

from __future__ import annotations

from ..auth.models import Role


def page_roles(*roles: Role):
    """A page view decorator: login required, and one of ``roles`` (admin always passes)."""

    def decorate(view):
        return view

    return decorate
