"""The HMC catalog and assortment service: the Flask application factory."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from . import config as settings


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app: defaults, then instance config.py, then CATALOG_* variables, then test_config."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_object(settings.Defaults)
    app.config.from_pyfile("config.py", silent=True)
    app.config.update(settings.from_environment())
    if test_config:
        app.config.update(test_config)
    _configure_database(app)
    settings.check(app.config)
    _register(app)
    return app


def _configure_database(app: Flask) -> None:
    uri = app.config.get("SQLALCHEMY_DATABASE_URI")
    if not uri:
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        uri = settings.default_database_uri(app.instance_path)
    app.config["SQLALCHEMY_DATABASE_URI"] = settings.normalise_database_uri(uri)


def _protect(app: Flask) -> None:
    """Session cookies, CSRF, rate limits and security headers."""
    from .extensions import csrf
    from .web import security

    if app.config.get("DEVELOPMENT") or app.config.get("TESTING"):
        app.config["SESSION_COOKIE_SECURE"] = False  # plain http on the developer's own machine
    elif app.config.get("SECRET_KEY") == settings.Defaults.SECRET_KEY:
        app.logger.warning("CATALOG_SECRET_KEY is not set: sessions are signed with the development key")
    csrf.init_app(app)
    from .auth import ratelimit

    ratelimit.init_app(app)
    from .auth import oidc, supplier_fence

    oidc.init_app(app)
    supplier_fence.init_app(app)  # a supplier's person reaches their own supplier's things only
    security.init_app(app)
    from .web import navigation

    navigation.init_app(app)


def _register(app: Flask) -> None:
    from . import errors, limits, logs, models
    from .extensions import api, csrf, db, migrate

    logs.init_app(app)  # first, so every request gets its id before other hooks run
    limits.register(app)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).parent.parent / "migrations"))
    models.enable_sqlite_pragmas(app)
    from . import cache
    from .feeds import fetchlog

    cache.init_app(app)
    fetchlog.init_app(app)
    api.init_app(app)
    from .assortment.api import blp as assortment_blp
    from .audit.api import blp as audit_blp
    from .feeds.api import blp as feeds_blp
    from .orders.api import blp as orders_blp
    from .pricelists.api import blp as pricelists_blp
    from .requests.api import blp as requests_blp
    from .stock.api import blp as stock_blp
    from .webhooks.api import blp as webhooks_blp

    _protect(app)
    for blueprint in (
        pricelists_blp,
        assortment_blp,
        feeds_blp,
        orders_blp,
        requests_blp,
        stock_blp,
        audit_blp,
        webhooks_blp,
    ):
        # The API authenticates each request by its bearer token (or checks the CSRF header when a
        # browser session calls it: auth/http.py), so Flask-WTF's form check does not apply. The
        # per-caller rate limit is checked there too (auth/ratelimit.py).
        csrf.exempt(blueprint)
        api.register_blueprint(blueprint)
    from .assortment.views import bp as assortment_pages
    from .audit.views import bp as audit_pages
    from .auth.mfa_views import bp as mfa_bp
    from .auth.oidc_views import bp as oidc_bp
    from .auth.views import bp as token_pages
    from .contracts.views import bp as contract_pages
    from .home.views import bp as home_pages
    from .orders.views import bp as order_pages
    from .pricelists.views import bp as pricelist_pages
    from .requests.views import bp as requests_pages
    from .stock.views import bp as stock_pages
    from .web import filters
    from .web.login import bp as login_bp
    from .web.views import bp as web_bp
    from .web.views import docs_assets
    from .webhooks.views import bp as webhook_pages

    app.register_blueprint(login_bp)
    app.register_blueprint(mfa_bp)  # the second step of a local login
    app.register_blueprint(oidc_bp)  # login through the region's identity provider
    app.register_blueprint(web_bp)  # the shell: base templates, static files, health
    filters.init_app(app)
    for pages in (
        home_pages,
        assortment_pages,
        contract_pages,
        pricelist_pages,
        order_pages,
        requests_pages,
        stock_pages,
        audit_pages,
        token_pages,
        webhook_pages,
    ):
        app.register_blueprint(pages)
    app.register_blueprint(docs_assets)
    from .health import bp as health_bp

    app.register_blueprint(health_bp)
    from . import metrics

    metrics.init_app(app)  # /metrics, and the per-request count
    from .pricelists import sweep

    sweep.init_app(app)
    errors.register(app)
    from .transactions import wrap_views

    wrap_views(app)  # last: every view, of every blueprint above, commits once or rolls back
    from .cli import register_commands

    register_commands(app)
