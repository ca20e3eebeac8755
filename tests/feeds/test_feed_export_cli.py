"""`catalog feed export`: the same bytes the API serves, or one Swedish line saying why not."""

from __future__ import annotations

import pytest

from exports.formats.csv_format import CsvFormat
from exports.formats.json_format import JsonFormat
from exports.formats.peppol import PeppolFormat
from exports.formats.xlsx_format import XlsxFormat
from tests.conftest import bearer_client
from tests.factories import assortments as factory
from tests.feeds.conftest import feed_rows

FORMATS = ("json", "csv", "xlsx", "peppol")


@pytest.mark.parametrize("format_name", FORMATS)
@pytest.mark.parametrize("supplier", ["medi", "juzo"])
def test_export_writes_exactly_what_the_api_serves(
    app, runner, published, eshop_tokens, tmp_path, supplier, format_name
):
    output = tmp_path / f"flode.{format_name}"

    result = runner.invoke(args=["feed", "export", "--supplier", supplier, "--format", format_name, "-o", str(output)])

    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert "Version 1" in result.stderr
    served = bearer_client(app, eshop_tokens[supplier]).get(f"/api/v1/feeds/{supplier}?format={format_name}")
    assert "Content-Encoding" not in served.headers
    assert output.read_bytes() == served.data


def test_export_follows_the_current_version(app, runner, published, eshop_tokens, tmp_path):
    factory.import_and_publish(
        app, tmp_path, "medi", [*feed_rows("medi"), *factory.articles("medi", 1, start=30)], name="v2.xlsx"
    )
    output = tmp_path / "medi.csv"

    assert (
        runner.invoke(args=["feed", "export", "--supplier", "MEDI", "--format", "csv", "-o", str(output)]).exit_code
        == 0
    )

    served = bearer_client(app, eshop_tokens["medi"]).get("/api/v1/feeds/medi?format=csv")
    assert output.read_bytes() == served.data
    assert b"MED-0030" in output.read_bytes()


def test_export_uses_the_bodies_rendered_at_publish(runner, published, tmp_path, monkeypatch):
    def refuse(self, document):
        raise AssertionError("the export rendered the feed again")

    for writer in (JsonFormat, CsvFormat, XlsxFormat, PeppolFormat):
        monkeypatch.setattr(writer, "write", refuse)

    for format_name in FORMATS:
        output = tmp_path / f"x.{format_name}"
        args = ["feed", "export", "--supplier", "rama", "--format", format_name, "-o", str(output)]
        assert runner.invoke(args=args).exit_code == 0
        assert output.stat().st_size > 0


def one_swedish_line(result) -> str:
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    line = result.stderr.strip()
    assert line and "\n" not in line
    assert "Traceback" not in result.stderr
    return line


def test_unknown_supplier_fails_with_one_swedish_line(runner, published, tmp_path):
    output = tmp_path / "okand.json"

    result = runner.invoke(args=["feed", "export", "--supplier", "okand", "--format", "json", "-o", str(output)])

    line = one_swedish_line(result)
    assert "Okänd leverantör" in line and "okand" not in line  # the caller's text is not echoed
    assert "medi" in line  # names the known ones
    assert not output.exists()


def test_supplier_without_a_published_version_fails_with_one_swedish_line(app, runner, tmp_path):
    factory.load_contract(app, factory.small_contract(tmp_path))
    output = tmp_path / "medi.json"

    result = runner.invoke(args=["feed", "export", "--supplier", "medi", "--format", "json", "-o", str(output)])

    assert "Inget sortiment är publicerat" in one_swedish_line(result)
    assert not output.exists()


def test_unknown_format_is_refused_by_the_option(runner, published, tmp_path):
    result = runner.invoke(args=["feed", "export", "--supplier", "medi", "--format", "pdf", "-o", str(tmp_path / "x")])
    assert result.exit_code == 2
    assert "pdf" in result.stderr


def test_unwritable_output_fails_with_one_line(runner, published, tmp_path):
    output = tmp_path / "finns-inte" / "medi.json"

    result = runner.invoke(args=["feed", "export", "--supplier", "medi", "--format", "json", "-o", str(output)])

    one_swedish_line(result)
