"""HTTP: the e-shop feed, conditional and compressed, each token only its own supplier."""

from __future__ import annotations

from functools import wraps

from flask import Response, request
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from exports.registry import FORMATS, format_for_media_type

from ..audit.service import record
from ..auth.http import current_caller, require_roles
from ..auth.models import TokenKind
from ..auth.permissions import may
from ..errors import DomainError, Forbidden, NotFound
from ..extensions import db
from ..suppliers import profile_for, profiles
from ..transactions import keep_refusal
from .fetchlog import record_fetch
from .service import changes_since, feed_body, feed_head, fetch_status, scheduled_head, upcoming

blp = Blueprint("feeds", __name__, url_prefix="/api/v1/feeds", description="Sortimentsflöden för e-butiker")


class ChangesQuerySchema(Schema):
    since = fields.Integer(
        required=True,
        validate=validate.Range(min=-(2**31), max=2**31 - 1),
        metadata={"description": "a published version number"},
    )


class ChangesSchema(Schema):
    supplier = fields.String()
    since = fields.Integer()
    version = fields.Integer()
    added = fields.List(fields.Dict())
    removed = fields.List(fields.Dict())
    changed = fields.List(fields.Dict())
    unchanged = fields.Integer()


def authorised_supplier(supplier: str) -> str:
    """The supplier code the caller may read; an e-shop asking for another supplier gets 404 (and is audited)."""
    caller = current_caller()
    code = supplier.lower()
    if caller.kind is TokenKind.eshop:
        if caller.supplier != code:
            record(
                db.session,
                actor=caller.actor,
                action="feed.refused",
                object_type="feed",
                # only a known supplier code is kept: the path is the caller's free text
                object_id=code if code in profiles() else "okänd",
                token_id=caller.token_id,
            )
            keep_refusal()  # the refusal is answered 404, and its audit entry stays
            raise NotFound("feed_not_found", "Flödet finns inte.")
        return code
    if not may(caller, "feeds.read"):
        raise Forbidden("forbidden", "Din behörighet räcker inte för detta.")
    return code


def _negotiate(req) -> str:
    requested = req.args.get("format") if req.query_string else None
    if requested is not None:  # "?format=" is not a format either: the document lists three
        name = requested.lower()
        if name not in FORMATS:
            raise DomainError("unknown_format", f"Okänt format {name!r}. Välj json, csv eller xlsx.")
        return name
    chosen = format_for_media_type(req.headers.get("Accept"))
    if chosen is None:
        raise DomainError("not_acceptable", "Flödet finns som application/json, text/csv och xlsx.")
    return chosen.name


def _wants_gzip(req) -> bool:
    raw = req.headers.get("Accept-Encoding", "")
    if raw == "gzip" or raw.replace(" ", "") == "gzip,deflate":  # what pollers send: skip the parser
        return True
    return req.accept_encodings["gzip"] > 0  # q-values respected: gzip;q=0 means no


def _not_modified(req, head, etags: tuple[str, ...]) -> bool:
    raw = req.headers.get("If-None-Match")
    if raw:
        if raw.strip('"') in etags:  # the common case: the poller sends back the one ETag it got
            return True
        return any(req.if_none_match.contains(tag) for tag in etags)
    since = req.if_modified_since
    return since is not None and head.modified_at.replace(microsecond=0) <= since


FORMAT_PARAMETER = {
    "in": "query",
    "name": "format",
    "required": False,
    "schema": {"type": "string", "enum": ["json", "csv", "xlsx"]},
    "description": "json (default), csv or xlsx; or use the Accept header",
}


# The hottest endpoint (e-shops poll it): a plain function view, the one query parameter
# read directly rather than through a schema, and no database access when caches are warm.
@blp.route("/<supplier>", methods=["GET"])
@blp.doc(
    parameters=[FORMAT_PARAMETER],
    responses={"200": {"description": "the feed document"}, "304": {"description": "not modified"}},
)
def feed(supplier):
    """The supplier's current assortment (JSON, CSV or XLSX); ETag and Last-Modified for revalidation."""
    req = request._get_current_object()  # one proxy look-up; this runs on every poll
    caller = current_caller()
    code = authorised_supplier(supplier)
    format_name = _negotiate(req)
    head = feed_head(db.session, code, format_name)
    gzipped = _wants_gzip(req)
    etag = head.etag + ("-gz" if gzipped else "")
    status = 304 if _not_modified(req, head, (head.etag, head.etag + "-gz")) else 200
    response = Response(
        status=status,
        headers={
            "ETag": f'"{etag}"',
            "Last-Modified": head.last_modified,
            "Cache-Control": "private, no-cache",
            "Vary": "Accept, Accept-Encoding, Authorization",
        },
    )
    if status == 200:
        response.set_data(feed_body(db.session, head, gzipped=gzipped))
        response.content_type = head.media_type
        if gzipped:
            response.headers["Content-Encoding"] = "gzip"
        if format_name != "json":
            extension = FORMATS[format_name].extensions[0].lstrip(".")
            response.headers["Content-Disposition"] = (
                f'attachment; filename="{code}-sortiment-v{head.version_number}.{extension}"'
            )
    record_fetch(db.session, caller, code, head.version_number, format_name, status)  # committed with the answer
    return response


def caller_first(view):
    """Authenticate before the query is parsed, so a caller without a token learns nothing but 401."""

    @wraps(view)
    def checked(*args, **kwargs):
        current_caller()
        return view(*args, **kwargs)

    return checked


@blp.route("/<supplier>/changes")
class FeedChanges(MethodView):
    @caller_first
    @blp.arguments(ChangesQuerySchema, location="query")
    @blp.response(200, ChangesSchema)
    def get(self, query, supplier):
        """Items added, removed and changed between version `since` and the current version."""
        code = authorised_supplier(supplier)
        return changes_since(db.session, code, query["since"])


class UpcomingVersionSchema(Schema):
    version = fields.Integer()
    published_at = fields.DateTime()
    effective_from = fields.DateTime(metadata={"description": "when it takes effect (UTC)"})
    items = fields.Integer()
    url = fields.String(metadata={"description": "its feed document, for preparing (same formats as the feed)"})


class InEffectSchema(Schema):
    version = fields.Integer()
    effective_from = fields.DateTime()
    items = fields.Integer()


class UpcomingSchema(Schema):
    supplier = fields.String()
    in_effect = fields.Nested(InEffectSchema, allow_none=True)
    upcoming = fields.List(fields.Nested(UpcomingVersionSchema))


@blp.route("/<supplier>/upcoming")
class FeedUpcoming(MethodView):
    @caller_first
    @blp.response(200, UpcomingSchema)
    def get(self, supplier):
        """Scheduled versions of the supplier, soonest first, and the version in effect (same access as the feed)."""
        return upcoming(db.session, authorised_supplier(supplier))


@blp.route("/<supplier>/upcoming/<int:number>", methods=["GET"])
@blp.doc(
    parameters=[FORMAT_PARAMETER],
    responses={
        "200": {"description": "the scheduled version's feed document"},
        "404": {"description": "not scheduled"},
    },
)
def upcoming_document(supplier, number):
    """A scheduled version's feed document (JSON, CSV or XLSX), to prepare before it takes effect."""
    req = request._get_current_object()
    current_caller()
    code = authorised_supplier(supplier)
    head = scheduled_head(db.session, code, number, _negotiate(req))
    gzipped = _wants_gzip(req)
    response = Response(
        feed_body(db.session, head, gzipped=gzipped),
        headers={"ETag": f'"{head.etag}{"-gz" if gzipped else ""}"', "Cache-Control": "private, no-cache"},
        content_type=head.media_type,
    )
    if gzipped:
        response.headers["Content-Encoding"] = "gzip"
    return response


class FetchStatusSchema(Schema):
    token_id = fields.Integer()
    prefix = fields.String()
    last_fetch_at = fields.DateTime()
    version = fields.Integer()
    has_current = fields.Boolean()


@blp.route("/<supplier>/fetches")
class FeedFetches(MethodView):
    @require_roles("assortment.read")
    @blp.response(200, FetchStatusSchema(many=True))
    def get(self, supplier):
        """Per e-shop token: when it last fetched, which version, and whether that is the current one."""
        return fetch_status(db.session, profile_for(supplier).code)
