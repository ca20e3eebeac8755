"""The stock analysis: demand figures, ABC/XYZ classes, recommendations and reorder points. Plain Python.

No Flask and no database: the service reads order lines and prices and hands
them here, so every figure can be checked by hand in a test.

The choices, and why
--------------------
*Weeks.* Demand is counted per ISO week (Monday to Sunday, the weeks people at
HMC plan in). The weeks of a window are all ISO weeks that overlap it; a week
cut by the window's start or end counts as a whole week, so choose a window of
whole weeks for exact figures. A line counts in the week of its order date.

*Mean and standard deviation over every week of the window, zero weeks
included.* A week without orders is demand too (zero). Leaving zero weeks out
would make a rarely ordered article look as steady as a daily one. The
standard deviation is the sample standard deviation (n − 1): the window is a
sample of the demand we want to cover, and n − 1 does not understate its spread.
One week gives a standard deviation of 0.

*ABC by value* (units × contract price), largest first. An article's class is
decided by where its value starts on the cumulative curve: below 80 % of the
total → A, below 95 % → B, otherwise C (cut-offs configurable). The article
that crosses a cut-off therefore belongs to the higher class, so the A articles
together always cover at least 80 % of the value, and the most valuable article
is always A. Ties in value are ordered by supplier and article number. Articles
without a contract price have value 0 and are C.

*XYZ by the coefficient of variation* (weekly standard deviation / weekly mean)
of weekly demand: CV ≤ 0.5 → X (steady), ≤ 1.0 → Y (varying), otherwise Z
(sporadic); cut-offs configurable. These are the cut-offs most texts on XYZ
analysis use; with weekly data most slow movers are Z, which is the point.

*Working days.* Lead times are contract working days (Swedish holidays,
midsommarafton, julafton and nyårsafton excluded; see orders/leadtime.py), so
demand is turned into demand per working day too: mean daily demand = units /
working days in the window, and σ_daily = weekly σ / √(working days per week),
where working days per week = working days in the window / weeks in the window
(5 in a week without holidays; days taken as independent).

*Reorder point* = mean daily demand × L + z × σ_daily × √L, with L the lead time
in working days and z the standard normal quantile of the service level
(``statistics.NormalDist``, standard library). *Maximum level* is the
order-up-to level of a periodic review: mean daily demand × (L + R) + z ×
σ_daily × √(L + R), with R the review period in working days (default 5: HMC
reviews its stock weekly). Both are rounded up to whole units: a shelf holds
whole garments, and rounding up keeps the service level. They are given for
every standard article (HMC may decide to stock one that is not recommended)
and for no made-to-measure article.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field
from datetime import date, timedelta

DEFAULT_ABC_CUTOFFS = (0.80, 0.95)
DEFAULT_XYZ_CUTOFFS = (0.5, 1.0)
DEFAULT_MIN_WEEKS = 13  # ordered in a quarter of a year's weeks: regular enough to stock
DEFAULT_REVIEW_DAYS = 5  # working days between stock reviews (weekly)
DEFAULT_SERVICE_LEVEL = 0.95
REGULAR_CLASSES = ("AX", "AY", "BX")


@dataclass(frozen=True)
class Settings:
    """The analysis' cut-offs and targets (config: STOCK_ABC_CUTOFFS, STOCK_XYZ_CUTOFFS, …)."""

    service_level: float = DEFAULT_SERVICE_LEVEL
    abc_cutoffs: tuple[float, float] = DEFAULT_ABC_CUTOFFS
    xyz_cutoffs: tuple[float, float] = DEFAULT_XYZ_CUTOFFS
    min_weeks: int = DEFAULT_MIN_WEEKS
    review_days: int = DEFAULT_REVIEW_DAYS
    regular_classes: tuple[str, ...] = REGULAR_CLASSES

    @property
    def z(self) -> float:
        """The standard normal quantile of the service level (0.95 → 1.6449)."""
        return statistics.NormalDist().inv_cdf(self.service_level)


@dataclass(frozen=True)
class Window:
    """The days analysed, both inclusive, and their working days."""

    start: date
    end: date
    working_days: int

    @property
    def first_monday(self) -> date:
        return self.start - timedelta(days=self.start.weekday())

    @property
    def weeks(self) -> list[date]:
        """The Mondays of the ISO weeks overlapping the window."""
        count = (self.end - self.first_monday).days // 7 + 1
        return [self.first_monday + timedelta(weeks=n) for n in range(count)]

    def week_index(self, day: date) -> int:
        return (day - self.first_monday).days // 7


@dataclass
class Article:
    """One article's demand in the window and what follows from it."""

    supplier: str
    article_number: str
    weekly: list[int]
    order_lines: int = 0
    made_to_measure: bool = False
    price_ore: int | None = None
    lead_time_working_days: int = 5
    in_assortment: bool = False
    abc: str = "C"
    xyz: str = "Z"
    recommend_stock: bool = False
    reorder_point: int | None = None
    max_level: int | None = None
    rule: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def units(self) -> int:
        return sum(self.weekly)

    @property
    def weeks_with_demand(self) -> int:
        return sum(1 for units in self.weekly if units)

    @property
    def weekly_mean(self) -> float:
        return self.units / len(self.weekly)

    @property
    def weekly_sd(self) -> float:
        return statistics.stdev(self.weekly) if len(self.weekly) > 1 else 0.0

    @property
    def cv(self) -> float | None:
        """Coefficient of variation of weekly demand; None without demand."""
        return self.weekly_sd / self.weekly_mean if self.units else None

    @property
    def value_ore(self) -> int:
        return self.units * (self.price_ore or 0)

    @property
    def key(self) -> tuple[str, str]:
        return self.supplier, self.article_number


def abc_classes(articles: list[Article], cutoffs: tuple[float, float]) -> None:
    """Set each article's ABC class by where its value starts on the cumulative value curve."""
    total = sum(a.value_ore for a in articles)
    before = 0
    for article in sorted(articles, key=lambda a: (-a.value_ore, a.supplier, a.article_number)):
        share = before / total if total else 1.0
        article.abc = "A" if share < cutoffs[0] else "B" if share < cutoffs[1] else "C"
        before += article.value_ore


def xyz_class(cv: float | None, cutoffs: tuple[float, float]) -> str:
    """X, Y or Z by the coefficient of variation; Z without demand."""
    if cv is None:
        return "Z"
    return "X" if cv <= cutoffs[0] else "Y" if cv <= cutoffs[1] else "Z"


def levels(article: Article, window: Window, settings: Settings) -> tuple[int, int]:
    """(reorder point, maximum level) in whole units, rounded up (formulas in the module docstring)."""
    daily_mean = article.units / window.working_days
    days_per_week = window.working_days / len(window.weeks)
    daily_sd = article.weekly_sd / math.sqrt(days_per_week)
    lead, cycle = article.lead_time_working_days, article.lead_time_working_days + settings.review_days
    reorder = daily_mean * lead + settings.z * daily_sd * math.sqrt(lead)
    maximum = daily_mean * cycle + settings.z * daily_sd * math.sqrt(cycle)
    return _whole(reorder), _whole(maximum)


def _whole(units: float) -> int:
    # rounded to 9 decimals first, so 10.000000000002 from float arithmetic stays 10
    return math.ceil(round(units, 9))


def recommend(article: Article, weeks: int, settings: Settings) -> tuple[bool, str]:
    """Whether to stock the article, and the rule that decided it (Swedish, shown beside the figures).

    The first rule that applies wins: made to measure, not orderable, a regular class, enough weeks.
    """
    regular = ", ".join(settings.regular_classes)
    seen = f"beställd {article.weeks_with_demand} av {weeks} veckor"
    if article.made_to_measure:
        return False, "Lagerhålls inte: måttsydd, tillverkas för en brukare."
    if not article.in_assortment:
        return False, "Lagerhålls inte: finns inte i det publicerade sortimentet och kan inte beställas enligt avtalet."
    klass = article.abc + article.xyz
    if klass in settings.regular_classes:
        return True, f"Rekommenderas: klass {klass} (högt värde och regelbunden efterfrågan; {seen})."
    if article.weeks_with_demand >= settings.min_weeks:
        return True, f"Rekommenderas: {seen}, minst {settings.min_weeks} veckor (klass {klass})."
    return (
        False,
        f"Rekommenderas inte: klass {klass}, {seen} "
        f"(lager vid klass {regular} eller minst {settings.min_weeks} veckor).",
    )


def analyse(articles: list[Article], window: Window, settings: Settings) -> list[Article]:
    """Classes, levels and the recommendation for every article; most valuable first. Changes the articles."""
    abc_classes(articles, settings.abc_cutoffs)
    weeks = len(window.weeks)
    for article in articles:
        article.xyz = xyz_class(article.cv, settings.xyz_cutoffs)
        if not article.made_to_measure and window.working_days:
            article.reorder_point, article.max_level = levels(article, window, settings)
        article.recommend_stock, article.rule = recommend(article, weeks, settings)
    return sorted(articles, key=lambda a: (-a.value_ore, a.supplier, a.article_number))
