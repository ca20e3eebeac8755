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
from .schemas import PublishSchema, ReviewSchema, RollbackSchema, VersionSchema
from .service import publish_assortment, rollback_assortment

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
        """Publish the supplier's draft as its next assortment version (four-eyes rule, removal guard)."""
        return publish_assortment(
            db.session, supplier, actor=current_actor(), four_eyes=four_eyes(current_app.config), **body
        )


@blp.route("/suppliers/<supplier>/rollback")
class Rollback(MethodView):
    @require_roles("assortment.publish")
    @blp.arguments(RollbackSchema)
    @blp.response(201, VersionSchema)
    def post(self, body, supplier):
        """Publish an earlier version's content again, as a new version."""
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
