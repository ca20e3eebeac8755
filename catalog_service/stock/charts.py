"""The stock page's pictures: the Pareto curve, the ABC × XYZ matrix and one article's weekly demand.

Charts are inline SVG rendered by pygal (catalog_service/charts.py); the matrix
is data for an HTML table.
"""

from __future__ import annotations

from datetime import date

from ..charts import chart_options, pygal_module, render_svg

MAX_POINTS = 200  # a curve over thousands of articles needs no more points to look the same


def pareto_points(articles: list[dict]) -> list[tuple[float, float]]:
    """(share of articles %, share of value %) along the articles sorted by value, largest first."""
    values = sorted((a["value_sek"] for a in articles), reverse=True)
    total = sum(values)
    if not values or total <= 0:
        return []
    points, running = [(0.0, 0.0)], 0.0
    step = max(1, len(values) // MAX_POINTS)
    for index, value in enumerate(values, start=1):
        running += value
        if index % step == 0 or index == len(values):
            points.append((round(100 * index / len(values), 2), round(100 * running / total, 2)))
    return points


def pareto_table(articles: list[dict]) -> list[tuple[float, float]]:
    """The Pareto curve's figures for a table beside it: (share of articles, share of value) at every tenth of the
    articles (shares 0–1)."""
    points = pareto_points(articles)
    rows = []
    for tenth in range(1, 11):
        x, y = next(point for point in points if point[0] >= tenth * 10 - 1e-9)
        rows.append((x / 100, y / 100))
    return rows if points else []


def pareto_chart(articles: list[dict], cutoffs: tuple[float, float]) -> str | None:
    """The Pareto curve as inline SVG, with the ABC cut-offs as lines; None without value."""
    points = pareto_points(articles)
    if not points:
        return None
    pygal = pygal_module()
    chart = pygal.XY(
        **chart_options(
            width=800,
            height=400,
            title="Paretokurva: andel av värdet mot andel av artiklarna",
            x_title="Andel av artiklarna (%), störst värde först",
            y_title="Andel av värdet (%)",
            range=(0, 100),
            xrange=(0, 100),
            show_dots=False,
            legend_at_bottom=True,
            value_formatter=lambda value: f"{value:.0f} %",
        )
    )
    chart.add("Kumulativ andel av värdet", points)
    for cutoff in cutoffs:
        chart.add(f"{cutoff:.0%} av värdet".replace("%", " %"), [(0, 100 * cutoff), (100, 100 * cutoff)])
    return render_svg(chart)


def abc_xyz_matrix(articles: list[dict]) -> dict:
    """Counts per ABC (rows) and XYZ (columns) class, with row and column totals, for an HTML table."""
    counts = {abc: {xyz: 0 for xyz in "XYZ"} for abc in "ABC"}
    recommended = {abc: {xyz: 0 for xyz in "XYZ"} for abc in "ABC"}
    for article in articles:
        counts[article["abc"]][article["xyz"]] += 1
        recommended[article["abc"]][article["xyz"]] += bool(article["recommend_stock"])
    return {
        "counts": counts,
        "recommended": recommended,
        "rows": {abc: sum(counts[abc].values()) for abc in "ABC"},
        "columns": {xyz: sum(counts[abc][xyz] for abc in "ABC") for xyz in "XYZ"},
        "total": len(articles),
    }


def weekly_chart(weeks: list[tuple[date, int]], title: str) -> str:
    """One article's units per ISO week as an inline SVG bar chart."""
    pygal = pygal_module()
    chart = pygal.Bar(
        **chart_options(
            width=800,
            height=320,
            title=title,
            x_title="Vecka",
            y_title="Antal",
            show_legend=False,
            x_label_rotation=45,
            show_minor_x_labels=False,
            print_values=False,
        )
    )
    chart.x_labels = [f"v{monday.isocalendar().week} {monday.isocalendar().year}" for monday, _ in weeks]
    chart.x_labels_major = chart.x_labels[:: max(1, len(weeks) // 13)]
    chart.add("Antal", [units for _, units in weeks])
    return render_svg(chart)
