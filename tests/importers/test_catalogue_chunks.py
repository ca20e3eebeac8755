"""Reading a Peppol catalogue in chunks gives exactly what reading it line by line gives.

Each test reads the same file twice, in-process: as the import does (chunks where the file allows)
and with the chunk reader switched off (the sequential reader alone), and compares every message:
layout, rows, line actions, summary, or the error with its message and details. Chunks are made
small so that lines straddle the blocks read and the chunks cut.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from importers import catalogue_chunks, peppol
from importers.errors import ImportFileError
from importers.pricelist import ReadSummary, RowBatch
from importers.profiles import load_profiles
from tests.peppol_catalogues import write_catalogue

PROFILES = load_profiles()
ALL_PROFILES = tuple(PROFILES.values())


def _rows(count: int = 400) -> list[dict]:
    """Medi-named rows with the kinds of trouble a price list has: missing cells, repeats, odd prices, dates."""
    rows = []
    for n in range(count):
        row = {
            "article_number": f"MD{100000 + n}" if n % 97 else "",
            "gtin": f"40487{n:08d}",
            "name": f"Strumpa {n}",
            "price": [512.5, "1 234,50", "ingen", 99][n % 4] if n % 5 == 0 else 100 + n / 4,
            ("property", "Modell", "model"): ["NOV1-AD", "AURK2-AG", ""][n % 3],
            ("property", "KKL", "compression_class"): ["1", "2", "9"][n % 3],
            ("property", "Plaggtyp", "garment_type"): "Knästrumpa",
            ("property", "Storlek", "size"): "III",
            ("property", "Längd", "length"): "Kort" if n % 7 else "",
            ("property", "Färg", "colour"): ["Sand", "Svart", "Ny färg"][n % 3],
        }
        if n % 11 == 0:
            row["valid_from"], row["valid_to"] = "2026-01-01", ["2027-12-31", "i morgon"][n % 2]
        if n % 53 == 0 and n:
            row["article_number"] = "MD100001"  # a repeated article number
        rows.append(row)
    return rows


def _read(path: Path, *, chunks: bool, max_rows: int = 1_000_000) -> list:
    """Every message of read_catalogue (or the error), with the parts that may differ (memory) left out."""
    messages = []
    try:
        for message in peppol.read_catalogue(path, PROFILES["medi"], ALL_PROFILES, max_rows=max_rows):
            if isinstance(message, RowBatch):
                messages.append(("rows", message.rows()))
            elif isinstance(message, ReadSummary):
                message.peak_rss_mb = 0.0
                messages.append(message)
            else:
                messages.append(message)
    except ImportFileError as exc:
        messages.append(("error", exc.kind, str(exc), exc.details))
    return messages


def _is(message, kind: str) -> bool:
    return isinstance(message, tuple) and message[0] == kind


def _row_count(messages: list) -> int:
    return sum(len(m[1]) for m in messages if _is(m, "rows"))


@pytest.fixture
def small_chunks(monkeypatch):
    """Chunks of a few lines, read and checked in blocks smaller than a line; and what the chunk reader handed on."""
    monkeypatch.setattr(catalogue_chunks, "CHUNK_BYTES", 3000)
    monkeypatch.setattr(catalogue_chunks, "READ_BYTES", 700)
    monkeypatch.setattr(catalogue_chunks, "CHECK_BYTES", 500)  # libxml2's blocks, in the checker process
    outcome = {}
    real = catalogue_chunks.chunk_blocks

    def spy(path, reading):
        outcome["left"] = yield from real(path, reading)
        return outcome["left"]

    monkeypatch.setattr(peppol, "chunk_blocks", spy)
    return outcome


def _both(path: Path, monkeypatch, **options) -> tuple[list, list]:
    chunked = _read(path, chunks=True, **options)
    with monkeypatch.context() as patch:

        def nothing(path, reading):
            return 0
            yield  # a generator that hands on no line

        patch.setattr(peppol, "chunk_blocks", nothing)
        sequential = _read(path, chunks=False, **options)
    return chunked, sequential


def _catalogue(tmp_path: Path, rows=None, **options) -> Path:
    return write_catalogue(_rows() if rows is None else rows, tmp_path / "katalog.xml", **options)


def _edit(path: Path, pattern: str, replacement: str, count: int = 0) -> Path:
    text = path.read_text(encoding="utf-8")
    changed = re.sub(pattern, replacement, text, count=count)
    assert changed != text
    path.write_text(changed, encoding="utf-8", newline="")
    return path


def test_chunks_that_cut_lines_anywhere_give_the_rows_of_reading_line_by_line(tmp_path, monkeypatch, small_chunks):
    path = _catalogue(tmp_path, contact=True)

    chunked, sequential = _both(path, monkeypatch)

    assert chunked == sequential
    assert small_chunks["left"] is None  # the chunk reader read every line
    assert _row_count(chunked) == 400
    assert any(row[-1] for m in chunked if _is(m, "rows") for row in m[1])  # invalid rows, with their messages


def test_lines_of_other_shapes_are_walked_alone_and_give_the_same_rows(tmp_path, monkeypatch, small_chunks):
    path = _catalogue(tmp_path)
    _edit(path, r"<cbc:Name>Strumpa 7</cbc:Name>", "<cbc:Name>Strumpa &amp; sko 7</cbc:Name>")
    _edit(path, r"<cbc:Name>Strumpa 8</cbc:Name>", "<cbc:Name>Strumpa <!-- x --> 8</cbc:Name>")
    _edit(
        path,
        r"<cac:Item><cbc:Name>Strumpa 9<",
        '<cac:Item><cbc:Description languageID="sv">Lång</cbc:Description><cbc:Name>Strumpa 9<',
    )
    _edit(path, r"(<cbc:ID>12</cbc:ID>)", r"\1<cbc:Note>ny</cbc:Note>")
    _edit(path, r"<cbc:BaseQuantity>1</cbc:BaseQuantity>", '<cbc:BaseQuantity unitCode="EA">10</cbc:BaseQuantity>', 3)
    _edit(
        path,
        r"(<cbc:ID>20</cbc:ID>)",
        r"\1<cac:RequiredItemLocationQuantity><cac:Price/></cac:RequiredItemLocationQuantity>",
    )
    _edit(
        path,
        r"(<cbc:Name>Modell</cbc:Name><cbc:Value>)NOV1-AD(</cbc:Value></cac:AdditionalItemProperty>)",
        r"\1\2<cac:AdditionalItemProperty><cbc:Name>modell</cbc:Name><cbc:Value>AURK2-AG\2",
        2,
    )
    _edit(path, r"(<cbc:ID>30</cbc:ID>)", "\\1<cac:Item><cbc:Name>Första</cbc:Name></cac:Item>")
    _edit(path, r"<cbc:Value>Sand</cbc:Value>", "<cbc:Value> Sand\n</cbc:Value>", 5)
    _edit(path, r"<cbc:Name>KKL</cbc:Name>", "<cbc:Name> KKL </cbc:Name>", 7)
    _edit(path, r"\n", "\r\n")

    chunked, sequential = _both(path, monkeypatch)

    assert chunked == sequential
    assert small_chunks["left"] is None


@pytest.mark.parametrize(
    "where",
    ["<!-- </cac:CatalogueLine> -->", "<![CDATA[</cac:CatalogueLine>]]>", "<?note </cac:CatalogueLine>?>"],
    ids=["comment", "cdata", "processing-instruction"],
)
def test_a_line_end_inside_a_comment_or_cdata_reads_as_line_by_line(tmp_path, monkeypatch, small_chunks, where):
    path = _catalogue(tmp_path)
    between = "<!-- mellan -->" if "CDATA" in where else where  # CDATA may stand only inside an element
    _edit(path, r"(</cac:CatalogueLine>\n)(<cac:CatalogueLine><cbc:ID>40<)", rf"\1{between}\2")
    if "CDATA" in where:
        _edit(path, r"<cbc:Name>Strumpa 50</cbc:Name>", f"<cbc:Name>Strumpa {where} 50</cbc:Name>")

    chunked, sequential = _both(path, monkeypatch)

    assert chunked == sequential
    assert not any(_is(m, "error") for m in chunked)


def test_a_syntax_error_midway_is_the_same_error_with_its_line_number(tmp_path, monkeypatch, small_chunks):
    path = _edit(_catalogue(tmp_path), r"<cbc:Name>Strumpa 300</cbc:Name>", "<cbc:Name>Strumpa 300</cbc:Namn>")

    chunked, sequential = _both(path, monkeypatch)

    assert chunked == sequential
    assert chunked[-1][0] == "error" and "ingen giltig XML (rad" in chunked[-1][2]
    assert small_chunks["left"] > 0  # the chunk reader handed on the lines before it, then stopped


@pytest.mark.parametrize("broken_after", [True, False], ids=["error-after-the-limit", "well-formed"])
def test_too_many_lines_are_refused_as_line_by_line(tmp_path, monkeypatch, small_chunks, broken_after):
    path = _catalogue(tmp_path)
    if broken_after:
        _edit(path, r"<cbc:Name>Strumpa 390</cbc:Name>", "<cbc:Name>Strumpa 390</cbc:Namn>")

    chunked, sequential = _both(path, monkeypatch, max_rows=250)

    assert chunked == sequential
    assert "fler än 250 rader" in chunked[-1][2]


@pytest.mark.parametrize(
    "namespaces",
    [("a", "b"), ("", "cbc")],
    ids=["other-prefixes", "line-in-default-namespace"],
)
def test_other_prefixes_and_a_default_namespace_are_read_in_chunks(tmp_path, monkeypatch, small_chunks, namespaces):
    cac, cbc = namespaces
    text = _catalogue(tmp_path).read_text(encoding="utf-8")
    text = text.replace(
        'xmlns="urn:oasis:names:specification:ubl:schema:xsd:Catalogue-2"',
        'xmlns:cat="urn:oasis:names:specification:ubl:schema:xsd:Catalogue-2"',
    )
    text = text.replace("<Catalogue ", "<cat:Catalogue ").replace("</Catalogue>", "</cat:Catalogue>")
    text = re.sub(r"(</?)cac:", rf"\1{cac}:" if cac else r"\1", text)
    text = re.sub(r"(</?)cbc:", rf"\1{cbc}:", text)
    text = text.replace("xmlns:cac=", f"xmlns:{cac}=" if cac else "xmlns=").replace("xmlns:cbc=", f"xmlns:{cbc}=")
    path = tmp_path / "prefix.xml"
    path.write_text(text, encoding="utf-8")

    chunked, sequential = _both(path, monkeypatch)

    assert chunked == sequential
    assert small_chunks["left"] is None
    assert _row_count(chunked) == 400


def test_an_update_catalogue_gives_the_same_line_actions(tmp_path, monkeypatch, small_chunks):
    actions = ["Add", "Update", "Delete", " Update ", "Radera"] * 80
    path = _catalogue(tmp_path, action="Update", line_actions=actions)

    chunked, sequential = _both(path, monkeypatch)

    assert chunked == sequential
    assert chunked[0].action == "Update"
    line_actions = next(m for m in chunked if isinstance(m, peppol.LineActions)).actions
    assert line_actions[4] == ("Update", "4") and len(line_actions) == 400


def test_a_catalogue_in_another_encoding_is_read_line_by_line(tmp_path, monkeypatch, small_chunks):
    text = _catalogue(tmp_path).read_text(encoding="utf-8").replace('encoding="UTF-8"', 'encoding="ISO-8859-1"')
    path = tmp_path / "latin1.xml"
    path.write_bytes(text.encode("iso-8859-1"))

    chunked, sequential = _both(path, monkeypatch)

    assert chunked == sequential
    assert small_chunks["left"] == 0


def test_missing_properties_and_empty_catalogues_are_refused_alike(tmp_path, monkeypatch, small_chunks):
    rows = [{k: v for k, v in row.items() if k != ("property", "KKL", "compression_class")} for row in _rows(50)]
    chunked, sequential = _both(_catalogue(tmp_path, rows), monkeypatch)
    assert chunked == sequential and "AdditionalItemProperty för compression_class" in chunked[-1][2]

    chunked, sequential = _both(_catalogue(tmp_path, []), monkeypatch)
    assert chunked == sequential and "inga katalograder" in chunked[-1][2]


def test_a_line_under_another_prefix_of_the_same_namespace_is_not_passed_over(tmp_path, monkeypatch, small_chunks):
    path = _edit(
        _catalogue(tmp_path),
        r"xmlns:cac=",
        'xmlns:x="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" xmlns:cac=',
    )
    _edit(
        path,
        r"<cac:CatalogueLine>(<cbc:ID>77</cbc:ID>.*?)</cac:CatalogueLine>",
        r"<x:CatalogueLine>\1</x:CatalogueLine>",
    )

    chunked, sequential = _both(path, monkeypatch)

    assert chunked == sequential
    assert _row_count(chunked) == 400


@pytest.mark.parametrize("max_rows", [250, 1_000_000], ids=["stopped-by-a-refusal", "read-to-the-end"])
def test_the_checker_process_has_ended_when_the_reading_does(tmp_path, monkeypatch, small_chunks, max_rows):
    checkers = []
    real = catalogue_chunks._Checker.__init__

    def kept(self, *args):
        real(self, *args)
        checkers.append(self)

    monkeypatch.setattr(catalogue_chunks._Checker, "__init__", kept)
    messages = _read(_catalogue(tmp_path), chunks=True, max_rows=max_rows)

    assert len(checkers) == 1 and checkers[0].process.poll() is not None
    assert checkers[0].process.stdout.closed
    assert isinstance(messages[-1], tuple) == (max_rows == 250)  # an error, or the summary


def test_the_checker_dies_with_the_reader_that_started_it(tmp_path):
    """The reader's time limit kills it with SIGKILL: its checker must not go on reading alone."""
    import os
    import signal
    import subprocess
    import sys
    import time

    fifo = tmp_path / "katalog.xml"
    os.mkfifo(fifo)  # never written: the checker waits on it for ever
    starter = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from importers.catalogue_chunks import _Checker\n"
        "checker = _Checker(Path(sys.argv[1]), {})\n"
        "print(checker.process.pid, flush=True)\n"
        "time.sleep(60)\n"
    )
    with subprocess.Popen([sys.executable, "-c", starter, str(fifo)], stdout=subprocess.PIPE, text=True) as reader:
        checker_pid = int(reader.stdout.readline())
        time.sleep(0.5)  # the checker has started and set its death signal
        reader.send_signal(signal.SIGKILL)
    for _ in range(50):
        if not _alive(checker_pid):
            break
        time.sleep(0.1)
    assert not _alive(checker_pid)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has ended
    except FileNotFoundError:
        return False
