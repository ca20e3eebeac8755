"""A work order's cost estimate past its column is refused as invalid_cost, never a 500 (issue 17, item 1).

The cost column is NUMERIC(12, 2); the red-team values of the price lists are tried here too.
"""

from __future__ import annotations

import pytest

from catalog_service.requests.models import RequestStatus
from tests.helpers import assert_error
from tests.requests.conftest import APPROVAL, act, reach, stored

HUGE = ["21474837", "1e17", "1e25", "92233720368547758.08", "1e26", "1e400", "10000000"]


@pytest.mark.parametrize("cost", HUGE)
def test_a_huge_cost_estimate_is_refused_and_nothing_changes(app, people, cost):
    number = reach(app, people, RequestStatus.awaiting_cost_approval)
    before = stored(app, number)
    response = act(people.hanna, number, "approve", **{**APPROVAL, "cost_estimate_sek": cost})
    error = assert_error(response, 422, "invalid_cost")
    assert error["details"] == {"field": "cost_estimate_sek"}
    assert stored(app, number) == before
