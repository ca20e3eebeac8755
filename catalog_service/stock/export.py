"""The recommendation report and the stock list as XLSX, through the feeds' XLSX writer (text never a formula)."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from exports.formats.xlsx_format import XlsxFormat, write_workbook

XLSX_MEDIA_TYPE = XlsxFormat.media_type

REPORT_COLUMNS = (
    ("supplier", "Leverantör"),
    ("article_number", "Artikelnummer"),
    ("model", "Modell"),
    ("name", "Benämning"),
    ("units", "Antal"),
    ("order_lines", "Orderrader"),
    ("weeks_with_demand", "Veckor med efterfrågan"),
    ("weekly_mean", "Medel per vecka"),
    ("weekly_sd", "Standardavvikelse per vecka"),
    ("cv", "Variationskoefficient"),
    ("value_sek", "Värde SEK"),
    ("abc", "ABC"),
    ("xyz", "XYZ"),
    ("made_to_measure", "Måttsydd"),
    ("lead_time_working_days", "Ledtid arbetsdagar"),
    ("in_assortment", "I publicerat sortiment"),
    ("recommend_stock", "Rekommenderas som lagerartikel"),
    ("reorder_point", "Beställningspunkt"),
    ("max_level", "Maxnivå"),
    ("rule", "Regel"),
    ("hmc_stock_item", "Lagerartikel enligt beslut"),
)

STOCK_LIST_COLUMNS = (
    ("supplier", "Leverantör"),
    ("article_number", "Artikelnummer"),
    ("model", "Modell"),
    ("name", "Benämning"),
    ("size", "Storlek"),
    ("length", "Längd"),
    ("colour", "Färg"),
    ("in_assortment", "I publicerat sortiment"),
    ("abc", "ABC"),
    ("xyz", "XYZ"),
    ("units", "Antal i perioden"),
    ("reorder_point", "Beställningspunkt"),
    ("max_level", "Maxnivå"),
    ("decision_number", "Beslut nr"),
    ("decided_by", "Beslutat av"),
    ("decided_at", "Beslutat"),
    ("rationale", "Motivering"),
)


def _cell(value):
    if isinstance(value, datetime):
        return value.astimezone(ZoneInfo("Europe/Stockholm")).strftime("%Y-%m-%d %H:%M")
    return value


def _table(rows: list[dict], columns) -> list[list]:
    return [[label for _, label in columns], *([_cell(row.get(key)) for key, _ in columns] for row in rows)]


def _settings_rows(report: dict) -> list[list]:
    rows = [
        ["Från", report["window"]["from"]],
        ["Till", report["window"]["to"]],
        ["Servicenivå", report["service_level"]],
    ]
    labels = {
        "abc_cutoffs": "ABC-gränser (andel av värdet)",
        "xyz_cutoffs": "XYZ-gränser (variationskoefficient)",
        "min_weeks": "Lager vid minst så många veckor med efterfrågan",
        "review_days": "Översynsperiod (arbetsdagar)",
        "regular_classes": "Klasser som rekommenderas",
        "z": "z (normalfördelningens kvantil)",
        "weeks": "Veckor i perioden",
        "working_days": "Arbetsdagar i perioden",
    }
    for key, label in labels.items():
        value = report.get("settings", {}).get(key)
        rows.append([label, ", ".join(str(v) for v in value) if isinstance(value, list) else value])
    return rows


def report_xlsx(report: dict) -> bytes:
    """The recommendation report: sheet "Rekommendationer" (one row per article) and "Inställningar"."""
    moment = datetime.combine(date.fromisoformat(report["window"]["to"]), time())
    return write_workbook(
        [("Rekommendationer", _table(report["articles"], REPORT_COLUMNS)), ("Inställningar", _settings_rows(report))],
        moment,
    )


def stock_list_xlsx(stock_list: dict) -> bytes:
    """The current stock list: sheet "Lagerartiklar" (one row per stock item) and "Inställningar"."""
    decided = [item["decided_at"] for item in stock_list["items"]]
    if decided:
        moment = max(decided).astimezone(ZoneInfo("UTC")).replace(tzinfo=None)
    else:
        moment = datetime.combine(date.fromisoformat(stock_list["window"]["to"]), time())
    settings = [["Från", stock_list["window"]["from"]], ["Till", stock_list["window"]["to"]]]
    settings.append(["Servicenivå", stock_list["service_level"]])
    return write_workbook(
        [("Lagerartiklar", _table(stock_list["items"], STOCK_LIST_COLUMNS)), ("Inställningar", settings)], moment
    )
