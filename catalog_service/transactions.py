"""One commit per unit of work, at each edge: an HTTP request, a CLI command, a background import.

Domain operations flush and never commit. The edge that called them commits once when the work
succeeded and rolls back on any error, through ``transaction`` here:

- **HTTP.** ``wrap_views(app)`` (called once by ``create_app``, after every blueprint is registered)
  runs every view function of the app inside ``transaction``, so no view can forget it. A view that
  returns an answer below 400 is committed before the answer leaves (a failing commit is answered like
  any error in the view: 503 for an unavailable database); a view that raises, or answers 400 or above
  (a page showing a refusal), is rolled back. Inside a view:

  - ``discard()`` rolls back at once and keeps it so to the end: a dry run (the real operation, undone),
    or a page that shows a refusal and must not show what the refused operation had flushed;
  - ``keep_refusal()`` commits although the answer is a refusal: an audited refusal (a failed login, an
    e-shop asking for another supplier's feed) must leave its audit entry;
  - ``after_commit(callback)`` runs the callback once the commit succeeded: a background job may only
    start once its row is committed.

- **CLI.** ``cli.transactional`` wraps each state-changing command in ``transaction``.
- **Background import.** ``pricelists/runner.py`` runs the import in ``transaction`` (in the job queue's worker).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps

from sqlalchemy.orm import scoped_session

from importers.errors import DomainError

log = logging.getLogger(__name__)


class Transaction:
    """The unit of work on one session: what the edge does when the work ends."""

    def __init__(self, session):
        # the request's or command's own Session, not the scoped proxy (which lacks in_transaction)
        self.session = session() if isinstance(session, scoped_session) else session
        self.discarded = False
        self.kept = False
        self._after_commit: list[Callable[[], object]] = []

    def discard(self) -> None:
        """Roll back now; nothing of this unit of work is committed, however it ends."""
        self.session.rollback()
        self.discarded = True

    def keep_refusal(self) -> None:
        """Commit what was written even when the work ends in a refusal (a DomainError or an answer >= 400)."""
        self.kept = True

    def after_commit(self, callback: Callable[[], object]) -> None:
        """Run ``callback`` once the commit succeeded (never after a rollback)."""
        self._after_commit.append(callback)

    def _commit(self) -> None:
        if self.session.in_transaction():  # nothing touched the database (a feed poll from cache): no round trip
            self.session.commit()
        for callback in self._after_commit:
            callback()

    def _roll_back(self) -> None:
        if not self.session.in_transaction():
            return
        try:
            self.session.rollback()
        except Exception:  # the connection is gone: there is nothing to roll back on it
            log.debug("rollback after a failed unit of work failed", exc_info=True)


@contextmanager
def transaction(session) -> Iterator[Transaction]:
    """Commit once when the block ends normally; roll back when it raises (re-raised) or was discarded.

    A DomainError after ``keep_refusal()`` commits before it is re-raised.
    """
    work = Transaction(session)
    try:
        yield work
    except DomainError:
        if work.kept and not work.discarded:
            work._commit()
        else:
            work._roll_back()
        raise
    except BaseException:
        work._roll_back()
        raise
    if work.discarded:
        work._roll_back()
    else:
        work._commit()


# --- HTTP ---------------------------------------------------------------------------------------


def wrap_views(app) -> None:
    """Run every view function of ``app`` in one transaction (see the module docstring)."""
    for endpoint, view in list(app.view_functions.items()):
        if not getattr(view, "in_transaction", False):
            app.view_functions[endpoint] = _in_transaction(view)


def _in_transaction(view):
    from flask import current_app, g

    from .extensions import db

    @wraps(view)
    def run(*args, **kwargs):
        with transaction(db.session) as work:
            g.transaction = work
            response = current_app.make_response(view(*args, **kwargs))
            if response.status_code >= 400 and not work.kept:
                work.discarded = True
        return response

    run.in_transaction = True
    return run


def _current() -> Transaction:
    from flask import g

    return g.transaction


def discard() -> None:
    """Roll back this request's work now; nothing of it is committed (a dry run, a refusal shown on a page)."""
    _current().discard()


def keep_refusal() -> None:
    """Commit this request's work although it answers a refusal (an audited refusal)."""
    _current().keep_refusal()


def after_commit(callback: Callable[[], object]) -> None:
    """Run ``callback`` once this request's work is committed."""
    _current().after_commit(callback)
