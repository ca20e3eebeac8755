"""The template filters every page may use."""

from __future__ import annotations

import pytest

from catalog_service.web.filters import plural


@pytest.mark.parametrize(
    ("count", "word"), [(0, "ärenden"), (1, "ärende"), (2, "ärenden"), (-1, "ärende"), (1234, "ärenden")]
)
def test_plural_takes_the_singular_for_exactly_one(count, word):
    assert plural(count, "ärende", "ärenden") == word


def test_plural_is_a_template_filter(app):
    with app.app_context():
        template = app.jinja_env.from_string('{{ n }} {{ n|plural("rad", "rader") }}')
        assert [template.render(n=n) for n in (1, 3)] == ["1 rad", "3 rader"]
