"""Web pages for people (Swedish, server-rendered)."""

from . import upload_pages  # noqa: F401  (registers the upload pages on the web blueprint)
