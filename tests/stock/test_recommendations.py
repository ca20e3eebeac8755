"""The recommendation figures on a hand-checked example, and the rules that must always hold."""

from __future__ import annotations

import math
import statistics
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from catalog_service.extensions import db
from catalog_service.stock.analysis import Article, Settings, Window, analyse
from catalog_service.stock.service import recommendations
from tests.stock.conftest import WINDOW, A, B, C, D, E

DESIGN_KEYS = {
    "supplier",
    "article_number",
    "units",
    "order_lines",
    "weeks_with_demand",
    "weekly_mean",
    "weekly_sd",
    "value_sek",
    "abc",
    "xyz",
    "made_to_measure",
    "lead_time_working_days",
    "recommend_stock",
    "reorder_point",
    "max_level",
    "rule",
}


def report(app, **options):
    with app.app_context():
        return recommendations(db.session, start=WINDOW["from"], end=WINDOW["to"], **options)


def by_article(found: dict) -> dict:
    return {a["article_number"]: a for a in found["articles"]}


def test_hand_checked_example_gives_the_figures_worked_out_by_hand(app, example):
    found = report(app)
    assert found["window"] == WINDOW and found["service_level"] == 0.95
    # 4 ISO weeks (32–35), 20 working days: 5 working days a week, so σ_daily = σ_weekly / √5.
    assert (found["settings"]["weeks"], found["settings"]["working_days"]) == (4, 20)
    articles = by_article(found)
    assert set(articles) == {A, B, C, D, E}  # A's line of 1 September is outside the window
    assert all(set(a) >= DESIGN_KEYS for a in articles.values())

    # Units, lines, weeks with demand. Mean = units / 4 weeks. σ = sample standard deviation (n − 1 = 3):
    #   A [10,10,10,10]: mean 10, σ 0.                       B [4,6,4,6]: mean 5, Σ(x−5)² = 4, σ = √(4/3) = 1.155
    #   C [0,5,0,0]: mean 1.25, Σ = 3·1.5625 + 14.0625 = 18.75, σ = √6.25 = 2.5
    #   D [2,2,2,2]: mean 2, σ 0.                             E [1,0,0,0]: mean 0.25, Σ = 0.5625 + 3·0.0625 = 0.75,
    #                                                            σ = √0.25 = 0.5
    figures = {
        n: (a["units"], a["order_lines"], a["weeks_with_demand"], a["weekly_mean"], a["weekly_sd"])
        for n, a in articles.items()
    }
    assert figures == {
        A: (40, 8, 4, 10.0, 0.0),
        B: (20, 4, 4, 5.0, 1.155),
        C: (5, 1, 1, 1.25, 2.5),
        D: (8, 4, 4, 2.0, 0.0),
        E: (1, 1, 1, 0.25, 0.5),
    }

    # Value = units × contract price (not the list price 400): A 40·450 = 18000, B 20·450 = 9000,
    # D 8·900 = 7200, C 5·600 = 3000, E 1·450 = 450; total 37650.
    assert {n: a["value_sek"] for n, a in articles.items()} == {A: 18000.0, B: 9000.0, D: 7200.0, C: 3000.0, E: 450.0}
    # ABC by where each article starts on the cumulative curve (largest first):
    #   A starts at 0 → A; B at 18000/37650 = 47.8 % → A; D at 27000/37650 = 71.7 % → A;
    #   C at 34200/37650 = 90.8 % → B (below 95 %); E at 37200/37650 = 98.8 % → C.
    # XYZ by CV = σ / mean: A 0 → X, B 1.155/5 = 0.23 → X, D 0 → X, C 2.5/1.25 = 2 → Z, E 0.5/0.25 = 2 → Z.
    assert {n: a["abc"] + a["xyz"] for n, a in articles.items()} == {A: "AX", B: "AX", D: "AX", C: "BZ", E: "CZ"}

    # Lead times: standard 5 working days, made to measure 10.
    assert {n: a["lead_time_working_days"] for n, a in articles.items()} == {A: 5, B: 5, C: 5, D: 10, E: 5}
    # z(0.95) = 1.64485. Per working day: mean = units / 20, σ_daily = σ / √5; L = 5, L + R = 10.
    #   A: ROP = 2·5 + 0 = 10;                    max = 2·10 = 20
    #   B: ROP = 1·5 + 1.64485·(1.155/√5)·√5 = 5 + 1.64485·1.1547 = 6.899 → 7
    #      max = 1·10 + 1.64485·1.1547·√2 = 10 + 2.686 = 12.686 → 13
    #   C: ROP = 0.25·5 + 1.64485·2.5 = 1.25 + 4.112 = 5.362 → 6;  max = 2.5 + 1.64485·2.5·√2 = 8.315 → 9
    #   E: ROP = 0.05·5 + 1.64485·0.5 = 0.25 + 0.822 = 1.072 → 2;  max = 0.5 + 1.64485·0.5·√2 = 1.663 → 2
    #   D is made to measure: no levels.
    levels = {n: (a["reorder_point"], a["max_level"]) for n, a in articles.items()}
    assert levels == {A: (10, 20), B: (7, 13), C: (6, 9), D: (None, None), E: (2, 2)}

    # Recommended: AX and AY and BX; never made to measure (D is AX); C and E ordered in 1 of 4 weeks.
    assert {n for n, a in articles.items() if a["recommend_stock"]} == {A, B}
    assert articles[A]["rule"].startswith("Rekommenderas: klass AX")
    assert "måttsydd" in articles[D]["rule"]
    assert articles[C]["rule"].startswith("Rekommenderas inte: klass BZ, beställd 1 av 4 veckor")
    assert [a["article_number"] for a in found["articles"]] == [A, B, D, C, E]  # most valuable first


def test_a_higher_service_level_raises_only_the_safety_stock(app, example):
    articles = by_article(report(app, service_level="0,99"))
    # z(0.99) = 2.32635: B's ROP = 5 + 2.32635·1.1547 = 7.686 → 8; A has no spread and keeps 10.
    assert (articles[A]["reorder_point"], articles[B]["reorder_point"]) == (10, 8)


def test_enough_weeks_with_demand_is_recommended_whatever_the_class(app, example):
    app.config["STOCK_MIN_WEEKS"] = 1
    articles = by_article(report(app))
    assert {n for n, a in articles.items() if a["recommend_stock"]} == {A, B, C, E}  # never D
    assert articles[C]["rule"] == "Rekommenderas: beställd 1 av 4 veckor, minst 1 veckor (klass BZ)."


def test_configured_cut_offs_change_the_classes(app, example):
    app.config["STOCK_ABC_CUTOFFS"] = (0.5, 0.8)  # B starts at 47.8 % → A, D at 71.7 % → B, C at 90.8 % → C
    app.config["STOCK_XYZ_CUTOFFS"] = (0.1, 3.0)  # B's CV 0.23 → Y; C and E (CV 2) → Y
    articles = by_article(report(app))
    assert {n: a["abc"] + a["xyz"] for n, a in articles.items()} == {A: "AX", B: "AY", D: "BX", C: "CY", E: "CY"}


def test_an_article_outside_the_published_assortment_is_not_recommended(app, example, runner, tmp_path):
    from tests.stock.conftest import import_orders

    rows = [[f"KO-27{n:05d}", date(2026, 8, 4 + n), "Medi", "MED-UTGATT", 50, "Nej", None, None, ""] for n in range(3)]
    import_orders(runner, tmp_path, rows, name="fler.xlsx")
    article = by_article(report(app))["MED-UTGATT"]
    assert article["units"] == 150 and article["value_sek"] == 0.0 and article["in_assortment"] is False
    assert article["recommend_stock"] is False and "publicerade sortimentet" in article["rule"]


# --- properties ---------------------------------------------------------------------------------

WEEKS = 6
SPAN = Window(date(2026, 8, 3), date(2026, 9, 13), 30)

article_strategy = st.builds(
    Article,
    supplier=st.sampled_from(["essity", "juzo", "medi", "rama"]),
    article_number=st.text("ABC0123456789-", min_size=1, max_size=8),
    weekly=st.lists(st.integers(0, 50), min_size=WEEKS, max_size=WEEKS).filter(any),
    made_to_measure=st.booleans(),
    price_ore=st.one_of(st.none(), st.integers(1, 500_000)),
    lead_time_working_days=st.sampled_from([5, 10]),
    in_assortment=st.booleans(),
)


@settings(max_examples=200, deadline=None)
@given(
    articles=st.lists(article_strategy, max_size=25, unique_by=lambda a: (a.supplier, a.article_number)),
    level=st.floats(0.5, 0.999),
    min_weeks=st.integers(0, WEEKS + 1),
)
def test_no_made_to_measure_article_is_ever_recommended(articles, level, min_weeks):
    analysed = analyse(articles, SPAN, Settings(service_level=level, min_weeks=min_weeks))
    for article in analysed:
        if article.made_to_measure:
            assert not article.recommend_stock and article.reorder_point is None and article.max_level is None
        else:
            assert article.reorder_point is not None and article.max_level >= article.reorder_point >= 0


@settings(max_examples=200, deadline=None)
@given(articles=st.lists(article_strategy, min_size=1, max_size=25, unique_by=lambda a: (a.supplier, a.article_number)))
def test_a_articles_cover_at_least_the_a_cut_off_and_are_the_most_valuable(articles):
    analysed = analyse(articles, SPAN, Settings())
    total = sum(a.value_ore for a in analysed)
    if total == 0:
        assert {a.abc for a in analysed} == {"C"}
        return
    a_value = sum(a.value_ore for a in analysed if a.abc == "A")
    assert a_value >= 0.8 * total
    assert analysed[0].abc == "A"
    ranks = {"A": 0, "B": 1, "C": 2}
    assert [ranks[a.abc] for a in analysed] == sorted(ranks[a.abc] for a in analysed)


@given(weekly=st.lists(st.integers(0, 30), min_size=2, max_size=30).filter(any))
def test_weekly_figures_count_zero_weeks(weekly):
    article = Article("medi", "X-1", weekly)
    assert article.weekly_mean == pytest.approx(sum(weekly) / len(weekly))
    assert article.weekly_sd == pytest.approx(statistics.stdev(weekly))
    assert article.weeks_with_demand == sum(1 for units in weekly if units)
    assert not math.isnan(article.cv)
