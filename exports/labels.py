"""Label sheets for made-to-measure garments: a printable A4 PDF, 14 labels a page.

Plain Python and reportlab, no Flask or database. The sheet fits the common
2 × 7 sheet of 99.1 × 38.1 mm labels (Avery L7163 and its equivalents); it
prints as well on plain paper.

Each label shows, with Swedish captions, the batch number, the label date
(ISO 8601), the customer order number (kundordernummer), the article number
and, when given, the size, and a QR code of the customer order number. Nothing
else is printed on the page.

The output is deterministic: the same labels give the same bytes (reportlab's
invariant mode fixes the creation date and document id).
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

__all__ = ["CAPTIONS", "LABELS_PER_PAGE", "LabelData", "label_sheet_pdf"]


@dataclass(frozen=True)
class LabelData:
    """What one label shows: batch number, date, customer order number, article number and size.

    There is deliberately no field for a name, a personal identity number or any other patient
    data, and none must be added (GDPR, data minimisation). A made-to-measure garment is matched to
    its patient at HMC through the region's own systems by the customer order number; the label
    carries the batch, the date and the customer order number, never a name.
    """

    batch_number: str
    label_date: date
    kundordernummer: str
    article_number: str
    size: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.label_date, date) or isinstance(self.label_date, datetime):
            raise TypeError(f"label_date must be a date, not {type(self.label_date).__name__}")
        for name in ("batch_number", "kundordernummer", "article_number", "size"):
            value = getattr(self, name)
            if value is None and name == "size":
                continue
            _check_text(name, value)


def _check_text(name: str, value: object) -> None:
    """One printable line that the PDF standard fonts can show (WinAnsi, which covers å, ä, ö)."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, not {type(value).__name__}")
    if not value.strip():
        raise ValueError(f"{name} is empty")
    if any(unicodedata.category(char).startswith("C") for char in value):
        raise ValueError(f"{name} holds a control or unassigned character")
    try:
        value.encode("cp1252")
    except UnicodeEncodeError:
        raise ValueError(f"{name} holds a character the label fonts cannot print") from None


# Caption printed on the label for each field, in print order.
CAPTIONS: dict[str, str] = {
    "batch_number": "Batch",
    "label_date": "Datum",
    "kundordernummer": "Kundordernr",
    "article_number": "Artikel",
    "size": "Storlek",
}

# Sheet geometry (Avery L7163): 2 columns × 7 rows of 99.1 × 38.1 mm labels, 2.5 mm between columns.
COLUMNS, ROWS = 2, 7
LABELS_PER_PAGE = COLUMNS * ROWS
LABEL_WIDTH, LABEL_HEIGHT = 99.1 * mm, 38.1 * mm
COLUMN_PITCH, ROW_PITCH = 101.6 * mm, 38.1 * mm
LEFT_MARGIN, TOP_MARGIN = 4.65 * mm, 15.15 * mm

PADDING = 4 * mm  # inside each label, kept clear of the die-cut edge
QR_SIZE = LABEL_HEIGHT - 2 * PADDING  # includes the QR code's own quiet zone
CAPTION_FONT, VALUE_FONT = "Helvetica-Bold", "Helvetica"
FONT_SIZE, MIN_FONT_SIZE = 10, 6
LINE_PITCH = 6 * mm
CAPTION_WIDTH = 25 * mm
VALUE_WIDTH = LABEL_WIDTH - 2 * PADDING - CAPTION_WIDTH - QR_SIZE - 2 * mm


def _lines(label: LabelData) -> list[tuple[str, str]]:
    """(caption, value) pairs for one label; the size line is left out when there is no size."""
    values = {
        "batch_number": label.batch_number,
        "label_date": label.label_date.isoformat(),
        "kundordernummer": label.kundordernummer,
        "article_number": label.article_number,
        "size": label.size,
    }
    return [(CAPTIONS[field], value) for field, value in values.items() if value is not None]


def _fitting_size(text: str) -> float:
    """The largest font size, down to the minimum, at which `text` fits the value column."""
    size = FONT_SIZE
    while stringWidth(text, VALUE_FONT, size) > VALUE_WIDTH:
        size -= 0.5
        if size < MIN_FONT_SIZE:
            raise ValueError(f"{text!r} is too long for a label")
    return size


def _qr_code(value: str) -> Drawing:
    widget = QrCodeWidget(value, barLevel="M")
    left, bottom, right, top = widget.getBounds()
    width, height = right - left, top - bottom
    drawing = Drawing(QR_SIZE, QR_SIZE, transform=[QR_SIZE / width, 0, 0, QR_SIZE / height, 0, 0])
    drawing.add(widget)
    return drawing


def _draw_label(canvas: Canvas, label: LabelData, x: float, y: float) -> None:
    """One label with its lower left corner at (x, y)."""
    top = y + LABEL_HEIGHT - PADDING - FONT_SIZE  # first baseline: the cap height below the padding
    for index, (caption, value) in enumerate(_lines(label)):
        baseline = top - index * LINE_PITCH
        canvas.setFont(CAPTION_FONT, FONT_SIZE)
        canvas.drawString(x + PADDING, baseline, caption)
        canvas.setFont(VALUE_FONT, _fitting_size(value))
        canvas.drawString(x + PADDING + CAPTION_WIDTH, baseline, value)
    renderPDF.draw(_qr_code(label.kundordernummer), canvas, x + LABEL_WIDTH - PADDING - QR_SIZE, y + PADDING)


def label_sheet_pdf(labels: Sequence[LabelData]) -> bytes:
    """A4 label sheets as PDF bytes: labels fill the sheet row by row, 14 a page, as many pages as needed."""
    if not labels:
        raise ValueError("no labels to print")
    for label in labels:
        if not isinstance(label, LabelData):
            raise TypeError(f"expected LabelData, not {type(label).__name__}")
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=1, pageCompression=1)
    canvas.setTitle("Etiketter för måttsydda plagg")
    canvas.setAuthor("HMC")
    canvas.setCreator("hmc-catalog")
    page_height = A4[1]
    for index, label in enumerate(labels):
        slot = index % LABELS_PER_PAGE
        if index and not slot:
            canvas.showPage()
        row, column = divmod(slot, COLUMNS)
        x = LEFT_MARGIN + column * COLUMN_PITCH
        y = page_height - TOP_MARGIN - (row + 1) * ROW_PITCH
        _draw_label(canvas, label, x, y)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
