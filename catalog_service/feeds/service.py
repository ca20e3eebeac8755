"""Feed operations: render a version's documents once, find the current one, log fetches, list changes."""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.http import http_date

from exports.registry import FORMATS, get_format

from ..assortment.items import as_feed_item, diff_items, lead_times, version_items
from ..assortment.models import AssortmentVersion, FeedDocument
from ..auth.models import ApiToken, TokenKind
from ..cache import cache
from ..contracts.models import Contract
from ..errors import NotFound
from ..suppliers import profile_for
from .models import FeedFetch


def body_cache():
    from flask import current_app

    return current_app.extensions["feed_body_cache"]


def ordering_rule() -> dict:
    """How e-shops must take orders under the contract (part of every feed document)."""
    standard, made_to_measure = lead_times()
    return {
        "identifier": "kundordernummer",
        "rule": "Beställningar görs endast med WebSesams kundordernummer. Inga personuppgifter.",
        "delivery": "HMC",
        "lead_time_working_days": {"standard": standard, "made_to_measure": made_to_measure},
    }


def feed_document(session: Session, version: AssortmentVersion, items: list[dict]) -> dict:
    """The feed document of DESIGN.md for a version."""
    contract = session.get(Contract, version.contract_id)
    return {
        "supplier": version.supplier,
        "version": version.number,
        "published_at": _utc_text(version.published_at),
        "contract": {
            "valid_from": contract.start_date.isoformat(),
            "valid_to": contract.end_date.isoformat() if contract.end_date else None,
        },
        "ordering": ordering_rule(),
        "items": [as_feed_item(item) for item in items],
    }


def _utc_text(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def render_documents(session: Session, version: AssortmentVersion, items: list[dict]) -> None:
    """Render the version's feed in every format, plain and gzipped, with strong ETags. Flushes."""
    document = feed_document(session, version, items)
    for name, writer in FORMATS.items():
        body = writer.write(document)
        version.documents.append(
            FeedDocument(
                format=name,
                media_type=writer.media_type,
                etag=hashlib.sha256(body).hexdigest()[:40],
                size=len(body),
                body=body,
                gzip_body=gzip.compress(body, compresslevel=6, mtime=0),
            )
        )
    session.flush()


@dataclass
class FeedHead:
    """What a conditional request needs, without the body."""

    document_id: int
    version_number: int
    published_at: datetime
    etag: str
    media_type: str

    @cached_property
    def last_modified(self) -> str:
        """The Last-Modified header value, formatted once per cached head."""
        return http_date(self.published_at)


def feed_head(session: Session, supplier: str, format_name: str) -> FeedHead:
    """The current version's document metadata for a supplier and format (cached).

    Raises NotFound, or UnknownFormat for a format the registry does not know.
    """
    if format_name not in FORMATS:
        get_format(format_name)
    head = cache().get(("feed", supplier, format_name), lambda: _load_head(session, supplier, format_name))
    if head is None:
        cache().forget(("feed", supplier, format_name))
        raise NotFound("no_published_version", f"Inget sortiment är publicerat för {supplier} ännu.")
    return head


def _load_head(session: Session, supplier: str, format_name: str) -> FeedHead | None:
    row = session.execute(
        select(
            FeedDocument.id,
            AssortmentVersion.number,
            AssortmentVersion.published_at,
            FeedDocument.etag,
            FeedDocument.media_type,
        )
        .join(AssortmentVersion, FeedDocument.version_id == AssortmentVersion.id)
        .where(AssortmentVersion.supplier == supplier, FeedDocument.format == format_name)
        .order_by(AssortmentVersion.number.desc())
        .limit(1)
    ).first()
    if row is None:
        raise NotFound("no_published_version", f"Inget sortiment är publicerat för {supplier} ännu.")
    return FeedHead(*row)


def feed_body(session: Session, head: FeedHead, *, gzipped: bool) -> bytes:
    """A document's body; bodies never change, so a few recent ones are kept in memory."""
    column = FeedDocument.gzip_body if gzipped else FeedDocument.body
    return body_cache().get(
        (head.document_id, gzipped),
        lambda: session.scalar(select(column).where(FeedDocument.id == head.document_id)),
    )


def changes_since(session: Session, supplier: str, since: int) -> dict:
    """Items added, removed and changed between version ``since`` and the current one. Raises NotFound."""
    from ..assortment.service import current_version, get_version

    code = profile_for(supplier).code
    current = current_version(session, code)
    if current is None:
        raise NotFound("no_published_version", f"Inget sortiment är publicerat för {code} ännu.")
    old = get_version(session, code, since)
    diff = diff_items(
        [as_feed_item(i) for i in version_items(session, old)],
        [as_feed_item(i) for i in version_items(session, current)],
    )
    return {"supplier": code, "since": since, "version": current.number, **diff}


def fetch_status(session: Session, supplier: str) -> list[dict]:
    """Per e-shop token of a supplier: the last fetch, its version, and whether it has seen the current one."""
    from ..assortment.service import current_version

    current = current_version(session, supplier)
    last = (
        select(FeedFetch.token_id, func.max(FeedFetch.at).label("last_at"))
        .where(FeedFetch.supplier == supplier)
        .group_by(FeedFetch.token_id)
        .subquery()
    )
    rows = session.execute(
        select(ApiToken, FeedFetch)
        .join(last, last.c.token_id == ApiToken.id)
        .join(FeedFetch, (FeedFetch.token_id == last.c.token_id) & (FeedFetch.at == last.c.last_at))
        .where(ApiToken.kind == TokenKind.eshop)
    ).all()
    return [
        {
            "token_id": token.id,
            "prefix": token.prefix,
            "last_fetch_at": fetch.at,
            "version": fetch.version_number,
            "has_current": current is not None and fetch.version_number == current.number,
        }
        for token, fetch in rows
    ]
