"""Web pages for people (Swedish, server-rendered)."""

# The page modules add their routes to views.bp when imported; importing them here registers them
# wherever the blueprint is used.
from . import admin_pages, catalog_pages, upload_pages  # noqa: F401
