"""A Hypothesis state machine over import, publish, rollback and fetch (issue 8, point 4).

The model is what a procurement officer expects: the draft's allowed items, and
the content of every published version in order. After every step the e-shop's
feed must equal the last published version (items, version number, ETag stable
for one version), and version numbers must run 1, 2, 3 … without gaps — also
after refused publishes and rollbacks, which reserve a number and roll it back.
Operations are the service functions (committed or rolled back as the API and
CLI do); fetches go through the HTTP client with an e-shop token.
"""

from __future__ import annotations

import itertools
from collections import Counter

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test
from sqlalchemy import delete, select

from catalog_service.assortment.models import AssortmentItem, AssortmentVersion, VersionCounter
from catalog_service.assortment.service import publish_assortment, rollback_assortment
from catalog_service.audit.models import AuditEntry
from catalog_service.errors import DomainError
from catalog_service.extensions import db
from catalog_service.feeds.models import FeedDocument, FeedFetch
from catalog_service.files import SourceFile
from catalog_service.pricelists.models import PriceListImport, PriceListRow
from catalog_service.pricelists.service import import_price_list
from importers.errors import ImportFileError
from tests.conftest import bearer_client, make_token
from tests.factories import assortments as factory
from tests.factories import workbooks as wb

SUPPLIER = "medi"
POOL = 6  # article numbers MED-0001 … MED-0006
COLOURS = ("Sand", "Black", "Mint")  # two base colours (Beige, Svart) and one that is not
BASE = {"Sand", "Black"}
STATE_TABLES = (  # children first; the contract, people and tokens stay between examples
    FeedDocument,
    AssortmentItem,
    FeedFetch,
    AssortmentVersion,
    PriceListRow,
    PriceListImport,
    SourceFile,
    VersionCounter,
    AuditEntry,
)
rarely = st.integers(0, 7).map(lambda n: n == 0)  # a refused variant of a rule, one time in eight
lists = st.lists(
    st.tuples(st.integers(1, POOL), st.sampled_from(COLOURS)), min_size=1, max_size=POOL, unique_by=lambda a: a[0]
)


def reset(app) -> None:
    with app.app_context():
        for model in STATE_TABLES:
            db.session.execute(delete(model))
        db.session.commit()
        db.session.remove()


class ImportPublishFetch(RuleBasedStateMachine):
    app = None
    folder = None
    feed = None  # an e-shop's HTTP client
    files = itertools.count()
    calls: Counter = Counter()  # rules run, over all examples: the test shows that each was reached

    def __init__(self):
        super().__init__()
        reset(self.app)
        self.draft: frozenset | None = None  # (article, colour) pairs the draft allows
        self.versions: list[frozenset] = []  # published content, version n at index n - 1
        self.etags: dict[int, str] = {}  # version → the ETag first seen for it

    # --- operations -----------------------------------------------------------------------------

    def _commit_or_rollback(self, operation):
        with self.app.app_context():
            try:
                result = operation()
                db.session.commit()
            except BaseException:
                db.session.rollback()
                raise
            finally:
                db.session.remove()
        return result

    @initialize(rows=lists)
    def first_version(self, rows):
        """Start from one published version: the states before it are dull and covered elsewhere."""
        self.import_list(rows, broken=False)
        self.publish(by_uploader=False)

    @rule(rows=lists, broken=rarely)
    def import_list(self, rows, broken):
        self.calls["import_list" if not broken else "import_broken_file"] += 1
        number = next(self.files)
        if broken:
            path = wb.truncated_zip(self.folder, name=f"trasig-{number}.xlsx")
            with pytest.raises(ImportFileError):
                self._commit_or_rollback(lambda: import_price_list(db.session, path, SUPPLIER, actor="upphandlare1"))
            return
        articles = [
            factory.Article(f"MED-{n:04d}", factory.model(SUPPLIER, 1), colour=colour, name=f"Strumpa {number}")
            for n, colour in rows
        ]
        path = factory.write_price_list(self.folder, SUPPLIER, articles, name=f"lista-{number}.xlsx")
        result = self._commit_or_rollback(
            lambda: import_price_list(db.session, path, SUPPLIER, actor="upphandlare1", filename=path.name)
        )
        assert result.status == "draft"
        self.draft = frozenset((a.article_number, a.colour) for a in articles if a.colour in BASE)
        assert result.allowed == len(self.draft)

    @rule(by_uploader=rarely)
    def publish(self, by_uploader):
        if by_uploader:  # four-eyes: refused, and the reserved version number is given back
            self.calls["publish_by_the_uploader"] += 1
            with pytest.raises(DomainError):
                self._commit_or_rollback(lambda: publish_assortment(db.session, SUPPLIER, actor="upphandlare1"))
            return
        self.calls["publish"] += 1

        def publish():
            return publish_assortment(
                db.session, SUPPLIER, actor="upphandlare2", confirm_removal=True, reason="test"
            ).number

        if self.draft is None:
            with pytest.raises(DomainError, match="utkast"):
                self._commit_or_rollback(publish)
            return
        assert self._commit_or_rollback(publish) == len(self.versions) + 1
        self.versions.append(self.draft)
        self.draft = None

    @rule(data=st.data(), missing=rarely)
    def rollback(self, data, missing):
        if missing:
            self.calls["rollback_to_a_missing_version"] += 1
            with pytest.raises(DomainError):
                self._commit_or_rollback(
                    lambda: rollback_assortment(
                        db.session, SUPPLIER, len(self.versions) + 1, actor="upphandlare2", reason="finns inte"
                    )
                )
            return
        self.calls["rollback"] += 1
        to = data.draw(st.integers(1, len(self.versions)), label="to")
        number = self._commit_or_rollback(
            lambda: rollback_assortment(db.session, SUPPLIER, to, actor="upphandlare2", reason="tillbaka").number
        )
        assert number == len(self.versions) + 1
        self.versions.append(self.versions[to - 1])

    @rule()
    def revalidate(self):
        self.calls["revalidate"] += 1
        current = len(self.versions)
        response = self.feed.get(f"/api/v1/feeds/{SUPPLIER}", headers={"If-None-Match": f'"{self.etags[current]}"'})
        assert response.status_code == 304
        if current > 1:
            older = self.feed.get(
                f"/api/v1/feeds/{SUPPLIER}", headers={"If-None-Match": f'"{self.etags[current - 1]}"'}
            )
            assert older.status_code == 200 and older.get_json()["version"] == current

    # --- invariants -----------------------------------------------------------------------------

    @invariant()
    def feed_is_the_last_published_version(self):
        response = self.feed.get(f"/api/v1/feeds/{SUPPLIER}")
        if not self.versions:
            assert response.status_code == 404
            return
        assert response.status_code == 200, response.get_json()
        document = response.get_json()
        assert document["version"] == len(self.versions)
        assert {(i["article_number"], i["colour"]) for i in document["items"]} == self.versions[-1]
        etag = response.headers["ETag"].strip('"')
        assert self.etags.setdefault(len(self.versions), etag) == etag  # one version, one ETag
        assert len(set(self.etags.values())) == len(self.etags)  # every version its own ETag

    @invariant()
    def version_numbers_have_no_gaps(self):
        with self.app.app_context():
            numbers = db.session.scalars(
                select(AssortmentVersion.number)
                .where(AssortmentVersion.supplier == SUPPLIER)
                .order_by(AssortmentVersion.number)
            ).all()
            db.session.remove()
        assert numbers == list(range(1, len(self.versions) + 1))


def test_import_publish_rollback_and_fetch_keep_their_invariants(app, tmp_path):
    factory.load_contract(app, factory.small_contract(tmp_path))
    make_token(app, roles=("upphandlare",), name="upphandlare1")
    make_token(app, roles=("upphandlare",), name="upphandlare2")
    ImportPublishFetch.app = app
    ImportPublishFetch.folder = tmp_path
    ImportPublishFetch.feed = bearer_client(app, make_token(app, eshop=SUPPLIER))

    run_state_machine_as_test(
        ImportPublishFetch,
        settings=settings(
            max_examples=12,
            stateful_step_count=10,
            deadline=None,
            database=None,  # each run explores afresh; the seed is printed on failure
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
    calls = ImportPublishFetch.calls
    print(dict(calls))
    assert min(calls[name] for name in ("import_list", "publish", "rollback", "revalidate")) >= 5, dict(calls)
