"""HTTP: review a draft, publish it, roll back, list versions."""

from __future__ import annotations

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint

from ..auth.http import current_actor, require_roles
from ..config import four_eyes
from ..extensions import db
from ..pricelists.service import get_import
from ..suppliers import profile_for
from .models import AssortmentVersion
from .review import review_draft
from .schemas import CancelScheduleSchema, PublishSchema, ReviewSchema, RollbackSchema, VersionSchema
from .service import cancel_schedule, parse_effective_time, publish_assortment, rollback_assortment

blp = Blueprint("assortment", __name__, url_prefix="/api/v1", description="Granskning och publicering")


@blp.route("/pricelists/<int:import_id>/diff")
class DraftReview(MethodView):
    @require_roles("assortment.read")
    @blp.response(200, ReviewSchema)
    def get(self, import_id):
        """A draft against the published version: diff, reconciliation with the contract, layout warnings."""
        return review_draft(db.session, get_import(db.session, import_id))


@blp.route("/suppliers/<supplier>/publish")
class Publish(MethodView):
    @require_roles("assortment.publish")
    @blp.arguments(PublishSchema)
    @blp.response(201, VersionSchema)
    def post(self, body, supplier):
        """Publish the supplier's draft as its next version, at once or from `effective_from` (a schedule).

        Four-eyes rule and removal guard apply either way. A schedule must lie after the supplier's
        latest version or pending schedule (409 `schedule_not_later`). A publish-now while a schedule
        is pending takes effect at once; the schedule still takes over at its time (`superseded_by`).
        """
        raw = body.pop("effective_from", None)
        effective_from = parse_effective_time(raw) if raw not in (None, "") else None
        return publish_assortment(
            db.session,
            supplier,
            actor=current_actor(),
            four_eyes=four_eyes(current_app.config),
            effective_from=effective_from,
            **body,
        )


@blp.route("/suppliers/<supplier>/schedule/cancel")
class CancelSchedule(MethodView):
    @require_roles("assortment.publish")
    @blp.arguments(CancelScheduleSchema)
    @blp.response(200, VersionSchema)
    def post(self, body, supplier):
        """Cancel a scheduled version, with a reason, before it takes effect (404 when none is pending)."""
        return cancel_schedule(
            db.session, supplier, actor=current_actor(), reason=body["reason"], number=body["version"]
        )


@blp.route("/suppliers/<supplier>/rollback")
class Rollback(MethodView):
    @require_roles("assortment.publish")
    @blp.arguments(RollbackSchema)
    @blp.response(201, VersionSchema)
    def post(self, body, supplier):
        """Publish an earlier version's content again, as a new version, in effect at once.

        A pending schedule is not touched: it still takes over at its time (`superseded_by`).
        """
        return rollback_assortment(
            db.session, supplier, body["to_version"], actor=current_actor(), reason=body["reason"]
        )


@blp.route("/suppliers/<supplier>/versions")
class Versions(MethodView):
    @require_roles("assortment.read")
    @blp.response(200, VersionSchema(many=True))
    def get(self, supplier):
        """The supplier's published versions, newest first."""
        code = profile_for(supplier).code
        return (
            db.session.query(AssortmentVersion)
            .filter(AssortmentVersion.supplier == code)
            .order_by(AssortmentVersion.number.desc())
            .all()
        )
