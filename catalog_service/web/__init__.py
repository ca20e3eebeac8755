"""The shell of the pages: base templates, navigation, login, page access, security headers, static files,
the error page and template filters. Each area's own pages live in that area's ``views.py``."""
