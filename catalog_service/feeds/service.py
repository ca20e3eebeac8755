"""Feed operations: render a version's documents once, find the current one, log fetches, list changes."""

from __future__ import annotations

import gzip
import hashlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cached_property

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.http import http_date

from exports.formats.peppol import NotRenderable
from exports.registry import FORMATS, get_format

from ..assortment.items import diff_items, version_items
from ..assortment.models import AssortmentVersion
from ..assortment.versions import current_version, get_version, next_switch, scheduled_versions
from ..auth.models import ApiToken, TokenKind
from ..cache import announce, cache
from ..config import lead_times
from ..contracts.models import Contract
from ..errors import NotFound
from ..models import utcnow
from ..stock.flags import stock_article_numbers
from ..suppliers import profile_for
from .items import as_feed_item
from .models import FeedDocument, FeedFetch


def body_cache():
    from flask import current_app

    return current_app.extensions["feed_body_cache"]


def ordering_rule() -> dict:
    """How e-shops must take orders under the contract (part of every feed document)."""
    times = lead_times()
    return {
        "identifier": "kundordernummer",
        "rule": "Beställningar görs endast med WebSesams kundordernummer. Inga personuppgifter.",
        "delivery": "HMC",
        "lead_time_working_days": {"standard": times.standard, "made_to_measure": times.made_to_measure},
    }


def feed_document(session: Session, version: AssortmentVersion, items: list[dict]) -> dict:
    """The feed document of DESIGN.md for a version."""
    contract = session.get(Contract, version.contract_id)
    stock = stock_article_numbers(session, version.supplier)
    return {
        "supplier": version.supplier,
        "version": version.number,
        "published_at": _utc_text(version.published_at),
        "effective_from": _utc_text(version.effective_from),
        "contract": {
            "valid_from": contract.start_date.isoformat(),
            "valid_to": contract.end_date.isoformat() if contract.end_date else None,
        },
        "ordering": ordering_rule(),
        "items": [as_feed_item(item, stock) for item in items],
    }


def _utc_text(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def peppol_parties(version: AssortmentVersion) -> dict:
    """What the Peppol writer needs besides the feed document: catalogue ID, provider (the region, from
    CATALOG_PEPPOL_*), receiver (the supplier, from its profile) and the contract reference."""
    from flask import current_app

    config = current_app.config
    profile = profile_for(version.supplier)
    return {
        "catalogue_id": f"{version.supplier}-sortiment-v{version.number}",
        "name": f"Upphandlat sortiment {profile.name}, version {version.number}",
        "contract_reference": config.get("PEPPOL_CONTRACT_REFERENCE"),
        "provider": {
            "endpoint_id": config.get("PEPPOL_PROVIDER_ID"),
            "scheme": config.get("PEPPOL_PROVIDER_SCHEME"),
            "name": config.get("PEPPOL_PROVIDER_NAME"),
        },
        "receiver": {"endpoint_id": profile.peppol_id, "scheme": profile.peppol_scheme, "name": profile.name},
    }


def render_documents(session: Session, version: AssortmentVersion, items: list[dict]) -> None:
    """Render the version's feed in every format, plain and gzipped, with strong ETags. Flushes."""
    document = feed_document(session, version, items)
    for name, fields in _rendered(document, peppol_parties(version)).items():
        version.documents.append(FeedDocument(format=name, rendered_at=version.published_at, **fields))
    session.flush()


def rerender_current(session: Session, supplier: str) -> bool:
    """Render the supplier's version in effect, and its scheduled ones, again after something outside them changed.

    HMC's stock decisions (``hmc_stock_item``) are HMC's current word, not part
    of the immutable version: a decision re-renders the documents of the version
    in effect in place, so the served body and its ETag change in the same
    commit (feed heads are announced stale; bodies are cached by ETag). Scheduled
    versions are re-rendered too, so they carry today's flags when they take effect.
    Returns False when the supplier has no version in effect. Flushes.
    """
    now = utcnow()
    version = current_version(session, supplier, now)
    if version is None:
        return False
    for each in [version, *scheduled_versions(session, now, supplier)]:
        rendered = _rendered(feed_document(session, each, version_items(session, each)), peppol_parties(each))
        moment = _next_render_time(each.documents)
        for document in each.documents:
            if document.format not in rendered:  # a format that could not be made for this version
                continue
            for key, value in rendered[document.format].items():
                setattr(document, key, value)
            document.rendered_at = moment
    session.flush()
    announce(session, "feed", supplier)
    return True


def _rendered(document: dict, parties: dict) -> dict[str, dict]:
    """The document in every format: media type, ETag, size, body and gzipped body per format name.

    A Peppol catalogue also needs the ``parties``; a format that cannot be made for this document
    (a supplier without a Peppol identifier, an empty assortment) is left out.
    """
    rendered = {}
    # hashlib and zlib let go of the GIL on large buffers: each body's ETag and gzip are made in a
    # thread while the next format is written (20,000 items: about 55 MB hashed and compressed).
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="feed-gzip") as pool:
        for name, writer in FORMATS.items():
            try:
                body = writer.write(
                    {**document, "peppol": parties} if getattr(writer, "needs_parties", False) else document
                )
            except NotRenderable:
                continue
            rendered[name] = (writer.media_type, body, pool.submit(_digest_and_gzip, body))
    return {
        name: {"media_type": media_type, "etag": etag, "size": len(body), "body": body, "gzip_body": gzipped}
        for name, (media_type, body, done) in rendered.items()
        for etag, gzipped in (done.result(),)
    }


def _digest_and_gzip(body: bytes) -> tuple[str, bytes]:
    """The body's strong ETag (sha256, 40 hex digits) and its gzip (level 6, no time stamp: same body, same bytes)."""
    return hashlib.sha256(body).hexdigest()[:40], gzip.compress(body, compresslevel=6, mtime=0)


def _next_render_time(documents: list[FeedDocument]) -> datetime:
    """Now, but at least a second after the last render: Last-Modified has whole seconds, and a client
    revalidating with If-Modified-Since must see a new render as newer."""
    now = utcnow()
    earlier = [d.rendered_at for d in documents if d.rendered_at is not None]
    if earlier:
        now = max(now, max(earlier).replace(microsecond=0) + timedelta(seconds=1))
    return now


@dataclass
class FeedHead:
    """What a conditional request needs, without the body.

    ``modified_at`` is when the body was rendered: at publish, or later when HMC's
    stock decisions changed the current version's items (see ``rerender_current``).
    """

    document_id: int
    version_number: int
    modified_at: datetime
    etag: str
    media_type: str
    # When the clock makes another version current (the supplier's next schedule), or None:
    # a cached head is not used from that moment on, so every process switches on time.
    valid_until: datetime | None = None

    @cached_property
    def last_modified(self) -> str:
        """The Last-Modified header value, formatted once per cached head."""
        return http_date(self.modified_at)


def feed_head(session: Session, supplier: str, format_name: str) -> FeedHead:
    """The current version's document metadata for a supplier and format (cached).

    Raises NotFound, or UnknownFormat for a format the registry does not know.
    """
    if format_name not in FORMATS:
        get_format(format_name)
    key = ("feed", supplier, format_name)
    head = cache().get(key, lambda: _load_head(session, supplier, format_name))
    if head is not None and head.valid_until is not None and utcnow() >= head.valid_until:
        cache().forget(key)  # a schedule has taken effect since this head was read: choose again by the clock
        head = cache().get(key, lambda: _load_head(session, supplier, format_name))
    if head is None:
        cache().forget(key)
        raise NotFound("no_published_version", f"Inget sortiment är publicerat för {supplier} ännu.")
    return head


def _load_head(session: Session, supplier: str, format_name: str, now: datetime | None = None) -> FeedHead | None:
    """The head of the version in effect at ``now`` (the clock at request time), valid until the next switch."""
    now = now or utcnow()
    row = session.execute(
        select(
            FeedDocument.id,
            AssortmentVersion.number,
            func.coalesce(FeedDocument.rendered_at, AssortmentVersion.published_at),
            AssortmentVersion.effective_from,
            FeedDocument.etag,
            FeedDocument.media_type,
        )
        .join(AssortmentVersion, FeedDocument.version_id == AssortmentVersion.id)
        .where(
            AssortmentVersion.supplier == supplier,
            FeedDocument.format == format_name,
            AssortmentVersion.cancelled_at.is_(None),
            AssortmentVersion.effective_from <= now,
        )
        .order_by(AssortmentVersion.effective_from.desc(), AssortmentVersion.number.desc())
        .limit(1)
    ).first()
    if row is None:
        raise NotFound("no_published_version", f"Inget sortiment är publicerat för {supplier} ännu.")
    document_id, number, rendered_at, effective_from, etag, media_type = row
    # Last-Modified: when this body became what the feed serves, its render or the moment it took effect
    # (a scheduled version rendered before the version it replaces was last re-rendered is still newer).
    modified_at = max(_aware(rendered_at), _aware(effective_from))
    return FeedHead(document_id, number, modified_at, etag, media_type, next_switch(session, supplier, now))


def _aware(moment: datetime) -> datetime:
    """coalesce() returns what the driver gives: SQLite drops the zone, and UTC is what was stored."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def feed_body(session: Session, head: FeedHead, *, gzipped: bool) -> bytes:
    """A document's body; a few recent ones are kept in memory, by ETag.

    A re-render (``rerender_current``) changes a document's body and ETag in
    place, so the cache key holds the ETag: a head read before the re-render
    never gets the new body cached under its old ETag for later heads. In the
    moment between a re-render's commit and a process dropping its cached
    head, a request may get the new body with the old ETag; its next poll
    then does not match and fetches again, so a client never keeps an old
    body under a new ETag.
    """
    column = FeedDocument.gzip_body if gzipped else FeedDocument.body
    return body_cache().get(
        (head.document_id, head.etag, gzipped),
        lambda: session.scalar(select(column).where(FeedDocument.id == head.document_id)),
    )


def changes_since(session: Session, supplier: str, since: int) -> dict:
    """Items added, removed and changed between version ``since`` and the current one. Raises NotFound."""
    code = profile_for(supplier).code
    current = current_version(session, code)
    if current is None:
        raise NotFound("no_published_version", f"Inget sortiment är publicerat för {code} ännu.")
    old = get_version(session, code, since)
    # hmc_stock_item is HMC's current decision, not part of a version: both sides carry today's flag,
    # so a decision is not reported as a change between versions (the full feed and its ETag show it).
    stock = stock_article_numbers(session, code)
    diff = diff_items(
        [as_feed_item(i, stock) for i in version_items(session, old)],
        [as_feed_item(i, stock) for i in version_items(session, current)],
    )
    return {"supplier": code, "since": since, "version": current.number, **diff}


def fetch_status(session: Session, supplier: str) -> list[dict]:
    """Per e-shop token of a supplier: the last fetch, its version, and whether it has seen the current one."""
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


def upcoming(session: Session, supplier: str, now: datetime | None = None) -> dict:
    """What the supplier's e-shop will see next: the version in effect and the scheduled ones, soonest first."""
    now = now or utcnow()
    code = profile_for(supplier).code
    current = current_version(session, code, now)
    return {
        "supplier": code,
        "in_effect": None
        if current is None
        else {"version": current.number, "effective_from": current.effective_from, "items": current.item_count},
        "upcoming": [
            {
                "version": version.number,
                "published_at": version.published_at,
                "effective_from": version.effective_from,
                "items": version.item_count,
                "url": f"/api/v1/feeds/{code}/upcoming/{version.number}",
            }
            for version in scheduled_versions(session, now, code)
        ],
    }


def scheduled_head(session: Session, supplier: str, number: int, format_name: str) -> FeedHead:
    """The head of a scheduled version's document (not cached: read while preparing, not polled).

    Raises NotFound when the version is not scheduled now (unknown, cancelled or already in effect).
    """
    if format_name not in FORMATS:
        get_format(format_name)
    now = utcnow()
    row = session.execute(
        select(FeedDocument.id, AssortmentVersion.number, FeedDocument.rendered_at, FeedDocument.etag)
        .add_columns(FeedDocument.media_type)
        .join(AssortmentVersion, FeedDocument.version_id == AssortmentVersion.id)
        .where(
            AssortmentVersion.supplier == supplier,
            AssortmentVersion.number == number,
            FeedDocument.format == format_name,
            AssortmentVersion.cancelled_at.is_(None),
            AssortmentVersion.effective_from > now,
        )
    ).first()
    if row is None:
        raise NotFound("no_scheduled_version", f"Version {number} av {supplier} är inte schemalagd.")
    return FeedHead(row[0], row[1], _aware(row[2]), row[3], row[4])
