"""Web pages for people (Swedish, server-rendered)."""
