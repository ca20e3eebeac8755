"""Label sheets for made-to-measure garments (exports.labels), read back by poppler and zbar."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
from datetime import date, datetime, timedelta

import pytest

from exports.labels import LabelData, label_sheet_pdf

PDFTOTEXT = shutil.which("pdftotext")
PDFINFO = shutil.which("pdfinfo")
PDFTOPPM = shutil.which("pdftoppm")
ZBARIMG = shutil.which("zbarimg")
needs_poppler = pytest.mark.skipif(
    not (PDFTOTEXT and PDFINFO), reason="poppler (pdftotext, pdfinfo; Debian package poppler-utils) is not installed"
)
needs_zbar = pytest.mark.skipif(
    not (PDFTOPPM and ZBARIMG), reason="pdftoppm (poppler-utils) and zbarimg (Debian package zbar-tools) are needed"
)


def _labels(count: int) -> list[LabelData]:
    """`count` labels; every other one has no size, and one has Swedish letters and spaces in its values."""
    labels = [
        LabelData(
            batch_number=f"B26-{index:04d}",
            label_date=date(2026, 3, 2) + timedelta(days=index),
            kundordernummer=f"KO-{2504100 + index}",
            article_number=f"00350244{index:02d}",
            size=None if index % 2 else "III",
        )
        for index in range(count)
    ]
    if count > 2:
        labels[2] = LabelData("2603021234567890", date(2026, 12, 31), "KO-2504117", "JZ-3512-Å", "XL lång, vänster")
    return labels


def _expected_lines(label: LabelData) -> list[str]:
    lines = [
        f"Batch {label.batch_number}",
        f"Datum {label.label_date.isoformat()}",
        f"Kundordernr {label.kundordernummer}",
        f"Artikel {label.article_number}",
    ]
    if label.size is not None:
        lines.append(f"Storlek {label.size}")
    return lines


def _page_objects(pdf: bytes) -> int:
    """Page objects in the file: reportlab writes object dictionaries uncompressed."""
    return len(re.findall(rb"/Type /Page(?![a-zA-Z])", pdf))


def _pages_text(pdf: bytes, tmp_path) -> list[list[str]]:
    """The text lines of each page, as poppler reads them in content order."""
    path = tmp_path / "labels.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        [PDFTOTEXT, "-raw", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    pages = text.split("\f")
    assert pages[-1] == ""  # pdftotext ends every page with a form feed
    return [[line for line in page.splitlines() if line.strip()] for page in pages[:-1]]


def _pdfinfo_pages(pdf: bytes, tmp_path) -> int:
    path = tmp_path / "labels.pdf"
    path.write_bytes(pdf)
    info = subprocess.run([PDFINFO, str(path)], check=True, capture_output=True, text=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)$", info, re.MULTILINE).group(1))


@pytest.mark.parametrize(("count", "pages"), [(1, 1), (14, 1), (15, 2), (28, 2), (29, 3)])
def test_the_sheet_is_a_pdf_with_fourteen_labels_a_page(count, pages):
    pdf = label_sheet_pdf(_labels(count))
    assert pdf.startswith(b"%PDF-")
    assert pdf.rstrip().endswith(b"%%EOF")
    assert _page_objects(pdf) == pages


@needs_poppler
@pytest.mark.parametrize(("count", "pages"), [(1, 1), (14, 1), (15, 2)])
def test_poppler_reads_the_page_count_and_a4(count, pages, tmp_path):
    pdf = label_sheet_pdf(_labels(count))
    assert _pdfinfo_pages(pdf, tmp_path) == pages
    path = tmp_path / "labels.pdf"
    info = subprocess.run([PDFINFO, str(path)], check=True, capture_output=True, text=True).stdout
    assert "(A4)" in info


@needs_poppler
@pytest.mark.parametrize("count", [1, 14, 15])
def test_the_text_is_exactly_the_captions_and_values(count, tmp_path):
    labels = _labels(count)
    pages = _pages_text(label_sheet_pdf(labels), tmp_path)
    expected = [labels[start : start + 14] for start in range(0, count, 14)]
    assert len(pages) == len(expected)
    for page, page_labels in zip(pages, expected, strict=True):
        assert page == [line for label in page_labels for line in _expected_lines(label)]


@needs_poppler
def test_a_label_without_size_has_no_size_line(tmp_path):
    label = LabelData("B26-0001", date(2026, 6, 18), "KO-2504117", "0035024461")
    (page,) = _pages_text(label_sheet_pdf([label]), tmp_path)
    assert page == ["Batch B26-0001", "Datum 2026-06-18", "Kundordernr KO-2504117", "Artikel 0035024461"]


@needs_zbar
def test_the_qr_codes_hold_the_customer_order_numbers(tmp_path):
    labels = _labels(15)
    path = tmp_path / "labels.pdf"
    path.write_bytes(label_sheet_pdf(labels))
    subprocess.run([PDFTOPPM, "-r", "150", "-png", str(path), str(tmp_path / "page")], check=True)
    images = sorted(str(image) for image in tmp_path.glob("page*.png"))
    assert len(images) == 2
    result = subprocess.run([ZBARIMG, "--quiet", "--raw", *images], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    decoded = result.stdout.split()
    assert sorted(decoded) == sorted(label.kundordernummer for label in labels)


def test_the_output_is_deterministic():
    labels = _labels(15)
    first = label_sheet_pdf(labels)
    assert label_sheet_pdf(labels) == first
    assert b"/CreationDate (D:20000101000000" in first  # reportlab's invariant mode, not the clock
    changed = [*labels[:-1], dataclasses.replace(labels[-1], kundordernummer="KO-2599999")]
    assert label_sheet_pdf(changed) != first


def test_label_data_has_only_the_five_fields_and_nothing_for_a_name():
    names = [field.name for field in dataclasses.fields(LabelData)]
    assert names == ["batch_number", "label_date", "kundordernummer", "article_number", "size"]
    personal = ("name", "namn", "person", "patient", "pnr", "ssn", "address", "adress", "phone", "telefon", "mail")
    assert not [name for name in names if any(word in name.lower() for word in personal)]
    with pytest.raises(TypeError):
        LabelData("B26-0001", date(2026, 3, 2), "KO-2504117", "0035024461", name="Anna Andersson")


def test_label_data_is_frozen():
    label = LabelData("B26-0001", date(2026, 3, 2), "KO-2504117", "0035024461", "III")
    with pytest.raises(dataclasses.FrozenInstanceError):
        label.size = "IV"


@pytest.mark.parametrize(
    ("values", "error"),
    [
        ({"batch_number": ""}, ValueError),
        ({"batch_number": "   "}, ValueError),
        ({"kundordernummer": "KO-2504117\nAnna"}, ValueError),
        ({"article_number": "0035024461\u200b"}, ValueError),  # zero-width space, a format character
        ({"article_number": "JZ-3512-\u2603"}, ValueError),  # not printable in the label fonts
        ({"size": ""}, ValueError),
        ({"kundordernummer": 2504117}, TypeError),
        ({"label_date": "2026-03-02"}, TypeError),
        ({"label_date": datetime(2026, 3, 2, 12, 0)}, TypeError),
    ],
)
def test_label_data_refuses_what_a_label_cannot_show(values, error):
    fields = {
        "batch_number": "B26-0001",
        "label_date": date(2026, 3, 2),
        "kundordernummer": "KO-2504117",
        "article_number": "0035024461",
        "size": "III",
    }
    with pytest.raises(error):
        LabelData(**{**fields, **values})


def test_an_empty_sheet_and_foreign_objects_are_refused():
    with pytest.raises(ValueError, match="no labels"):
        label_sheet_pdf([])
    with pytest.raises(TypeError):
        label_sheet_pdf([{"batch_number": "B26-0001"}])


def test_a_value_too_long_for_the_label_is_refused_not_cut():
    label = LabelData("B" * 60, date(2026, 3, 2), "KO-2504117", "0035024461")
    with pytest.raises(ValueError, match="too long"):
        label_sheet_pdf([label])
