import pytest

from exports import FORMATS, UnknownFormat, format_for_media_type, get_format

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.mark.parametrize(
    ("name", "media_type", "extension"),
    [
        ("json", "application/json", "json"),
        ("csv", "text/csv; charset=utf-8", "csv"),
        ("xlsx", XLSX, "xlsx"),
        ("peppol", "application/xml", "xml"),
    ],
)
def test_get_format_finds_each_writer(name, media_type, extension):
    fmt = get_format(name)
    assert fmt.name == name
    assert fmt.media_type == media_type
    assert extension in fmt.extensions
    assert FORMATS[name] is fmt
    assert get_format(name.upper()) is fmt


def test_get_format_rejects_unknown_names_listing_the_known_ones():
    with pytest.raises(UnknownFormat, match=r"'pdf'.*csv, json, peppol, xlsx") as caught:
        get_format("pdf")
    assert isinstance(caught.value, ValueError)
    assert caught.value.known == ["csv", "json", "peppol", "xlsx"]


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "json"),
        ("", "json"),
        ("*/*", "json"),
        ("application/json", "json"),
        ("text/csv", "csv"),
        ("TEXT/CSV; charset=utf-8", "csv"),
        (XLSX, "xlsx"),
        ("application/json;q=0.5, text/csv;q=0.9", "csv"),
        ("text/csv;q=0.2, application/json;q=0.5", "json"),
        ("text/csv, */*;q=0.8", "csv"),
        ("*/*, text/csv", "csv"),
        ("text/*", "csv"),
        ("text/csv;q=0, */*", "json"),
        ("text/html, application/xhtml+xml, application/xml;q=0.9, */*;q=0.8", "json"),
        (f"{XLSX};q=1.0, application/json;q=0.1", "xlsx"),
        ("application/xml", "peppol"),
        ("application/xml, */*;q=0.8", "peppol"),
        ("APPLICATION/XML;q=0.9, application/json;q=0.5", "peppol"),
    ],
)
def test_accept_header_picks_a_format(accept, expected):
    assert format_for_media_type(accept).name == expected


@pytest.mark.parametrize("accept", ["image/png", "application/json;q=0", "text/html, image/*", "nonsense"])
def test_accept_header_without_any_of_ours_gives_none(accept):
    assert format_for_media_type(accept) is None
