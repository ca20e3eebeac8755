"""Personal identity and coordination numbers: every written form, check digit, real date, no future date."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from catalog_service.privacy import Finding, find_personal_data, normalise

TODAY = date(2026, 11, 25)
HUNDRED_YEARS_AGO = date(TODAY.year - 100, TODAY.month, TODAY.day)
IDENTITY_KINDS = {"personnummer", "samordningsnummer"}
# Swedish words without digits, '@' or street suffixes: the surroundings must not hold findings of their own.
WORDS = (
    "Pnr", "avser", "brukare", "förskrivning", "saknades", "på", "Ärende", "kontakta", "ÅTERBUD", "välj",
    "lårstrumpa", "öppen", "tå", "enligt", "remiss", "Följesedel", "märkt", "Id", "och", "för", "Måttsydd",
    "sluten", "häftband", "byte", "storlek", "leverans", "vårdcentralen", "Östersund", "Brådskande", "ny",
)  # fmt: skip
GAPS = (" ", ": ", " (", ") ", ", ", " – ", "\n", "\t", "/")
DASHES = ("-", "–", "\u2011")  # as typed, and as Word and Excel turn it

# No example database: Hypothesis writes nothing into the repository.
PROPERTY = settings(database=None, max_examples=300, deadline=None)


def luhn_digit(nine: str) -> int:
    total = 0
    for position, char in enumerate(nine):
        value = int(char) * (2 - position % 2)
        total += value - 9 if value > 9 else value
    return (10 - total % 10) % 10


def write(born: date, serial: int, form: str, *, coordination: bool = False, dash: str = "-", check_shift=0) -> str:
    """An identity number for ``born`` in one written form: 12, 12-, 10, 10-, 10+."""
    day = born.day + (60 if coordination else 0)
    nine = f"{born.year % 100:02d}{born.month:02d}{day:02d}{serial:03d}"
    check = (luhn_digit(nine) + check_shift) % 10
    century = f"{born.year // 100:02d}"
    separator = {"12": "", "12-": dash, "10": "", "10-": dash, "10+": "+"}[form]
    head = (century if form.startswith("12") else "") + nine[:6]
    return f"{head}{separator}{nine[6:]}{check}"


def forms_for(born: date) -> list[str]:
    """The forms in which ``born`` can be written: a 10-digit form tells the century by -/+ (100 years)."""
    return ["12", "12-", "10", "10-"] if born > HUNDRED_YEARS_AGO else ["12", "12-", "10+"]


@st.composite
def identity_numbers(draw, *, born=None, check_shift=0):
    born = draw(born or st.dates(min_value=date(1900, 1, 1), max_value=TODAY))
    coordination = draw(st.booleans())
    form = draw(st.sampled_from(forms_for(born)))
    number = write(
        born, draw(st.integers(0, 999)), form, coordination=coordination, dash=draw(st.sampled_from(DASHES)),
        check_shift=check_shift,
    )  # fmt: skip
    return number, ("samordningsnummer" if coordination else "personnummer")


@st.composite
def in_text(draw, token):
    """``token`` embedded in random Swedish text; returns (text, start of the token)."""
    before = " ".join(draw(st.lists(st.sampled_from(WORDS), max_size=5)))
    after = " ".join(draw(st.lists(st.sampled_from(WORDS), max_size=5)))
    left = before + draw(st.sampled_from(GAPS)) if before else draw(st.sampled_from(("", "(", '"')))
    right = draw(st.sampled_from(GAPS)) + after if after else draw(st.sampled_from(("", ".", ")", ",")))
    return left + token + right, len(left)


def identity_findings(text: str) -> list[Finding]:
    return [f for f in find_personal_data(text, today=TODAY) if f.kind in IDENTITY_KINDS]


@PROPERTY
@given(data=st.data())
def test_valid_identity_numbers_in_every_form_are_found_in_text_with_their_position(data):
    number, kind = data.draw(identity_numbers())
    text, start = data.draw(in_text(number))
    findings = find_personal_data(text, today=TODAY)
    assert findings == [Finding(kind, start, start + len(normalise(number)))]


@PROPERTY
@given(data=st.data(), shift=st.integers(1, 9))
def test_a_wrong_check_digit_is_not_an_identity_number(data, shift):
    number, _kind = data.draw(identity_numbers(check_shift=shift))
    text, _start = data.draw(in_text(number))
    assert identity_findings(text) == []


@PROPERTY
@given(
    born=st.dates(min_value=date(TODAY.year, TODAY.month, TODAY.day + 1), max_value=date(2099, 12, 31)),
    serial=st.integers(0, 999),
    form=st.sampled_from(["12", "12-"]),
    coordination=st.booleans(),
)
def test_a_future_date_is_not_an_identity_number(born, serial, form, coordination):
    assert identity_findings(f"Pnr {write(born, serial, form, coordination=coordination)} ok") == []


@pytest.mark.parametrize(
    ("century", "yymmdd", "form"),
    [
        pytest.param("19", "550231", "12-", id="31-feb"),
        pytest.param("19", "550230", "12", id="30-feb"),
        pytest.param("19", "550229", "12-", id="29-feb-not-leap"),
        pytest.param("19", "550431", "12-", id="31-apr"),
        pytest.param("19", "551301", "12-", id="month-13"),
        pytest.param("19", "550010", "12-", id="month-0"),
        pytest.param("19", "550300", "12-", id="day-0"),
        pytest.param("19", "550332", "12-", id="day-32"),
        pytest.param("19", "550291", "12-", id="coordination-31-feb"),
        pytest.param("17", "550323", "12-", id="century-17"),
        pytest.param("21", "550323", "12", id="century-21"),
        pytest.param("", "550231", "10-", id="31-feb-10-digits"),
        pytest.param("", "550231", "10", id="31-feb-10-digits-bare"),
        pytest.param("", "000229", "10+", id="29-feb-1900"),
    ],
)
def test_impossible_dates_and_centuries_are_not_identity_numbers(century, yymmdd, form):
    nine = f"{yymmdd}123"
    tail = f"123{luhn_digit(nine)}"
    separator = {"12": "", "12-": "-", "10": "", "10-": "-", "10+": "+"}[form]
    assert identity_findings(f"Pnr {century}{yymmdd}{separator}{tail} saknas") == []


def test_leap_days_and_coordination_numbers_are_real_dates():
    for born in (date(1956, 2, 29), date(2000, 2, 29), date(1904, 2, 29)):
        for form in forms_for(born):
            for coordination in (False, True):
                number = write(born, 123, form, coordination=coordination)
                expected = "samordningsnummer" if coordination else "personnummer"
                assert [f.kind for f in identity_findings(f"Pnr {number}")] == [expected], number


def test_the_ten_digit_forms_follow_the_tax_agencys_century_rule():
    centenarian = write(date(1925, 3, 1), 123, "10+")
    assert [f.kind for f in identity_findings(centenarian)] == ["personnummer"]
    # "-" makes the same digits 2025-03-01, also a real past date.
    assert identity_findings(centenarian.replace("+", "-"))
    # On TODAY (2026-11-25) "261224-…" is 1926-12-24: 2026-12-24 is still ahead.
    assert identity_findings(write(date(1926, 12, 24), 123, "10-"))
    # "+" on 2000-02-29 means 1900-02-29, which did not exist.
    assert identity_findings(write(date(2000, 2, 29), 123, "10-"))
    assert identity_findings(write(date(2000, 2, 29), 123, "10-").replace("-", "+")) == []


def test_future_is_decided_by_the_injected_today():
    number = write(date(2026, 11, 20), 123, "12")
    assert identity_findings(number)
    assert find_personal_data(number, today=date(2026, 11, 19)) == []


def test_identity_numbers_glued_to_digits_or_bare_ones_glued_to_letters_are_codes():
    number = write(date(1983, 2, 3), 960, "10")
    assert identity_findings(f"Art MD{number}") == []
    assert identity_findings(f"EAN 1{number}") == []
    assert identity_findings(f"{number}7") == []
    # With a separator it is an identity number however it is glued.
    assert identity_findings(f"Pnr{write(date(1983, 2, 3), 960, '10-')}")
    assert identity_findings(f"skanning_{number}.pdf")


def test_positions_refer_to_the_nfkc_normalised_text():
    text = "Ｐｎｒ\u00a0８３０２０３－９６００ ＯＫ"  # full-width letters and digits, no-break space
    findings = find_personal_data(text, today=TODAY)
    normalised = normalise(text)
    assert normalised.startswith("Pnr 830203-9600")
    assert findings == [Finding("personnummer", 4, 15)]


@st.composite
def gtin13(draw) -> str:
    body = "".join(draw(st.lists(st.sampled_from("0123456789"), min_size=12, max_size=12)))
    total = sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate(body))
    return body + str((10 - total % 10) % 10)


ARTICLE_NUMBERS = st.one_of(
    st.integers(0, 9_999_999).map(lambda n: f"MD{n:07d}"),  # Medi
    st.integers(0, 999_999).map(lambda n: f"0035{n:06d}"),  # Juzo, leading zeros, as text
    st.integers(0, 99_999).map(lambda n: f"RK-{n:05d}"),  # Rama
    st.integers(30_000_000, 31_999_999).map(str),  # Essity
)
ISO_DATES = st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)).flatmap(
    lambda d: st.sampled_from([d.isoformat(), d.strftime("%Y%m%d"), f"{d.isoformat()} {d:%H:%M}"])
)
KUNDORDERNUMMER = st.integers(0, 9_999_999).map(lambda n: f"KO-{n:07d}")
PRICES = st.tuples(st.integers(0, 9_999_999), st.integers(0, 99), st.sampled_from(["", " kr", " SEK", ":-"])).map(
    lambda p: f"{p[0]:,}".replace(",", " ") + f",{p[1]:02d}{p[2]}"
)


@PROPERTY
@given(data=st.data(), token=st.one_of(gtin13(), ARTICLE_NUMBERS, ISO_DATES, KUNDORDERNUMMER, PRICES))
def test_gtins_article_numbers_dates_order_numbers_and_prices_give_no_finding(data, token):
    text, _start = data.draw(in_text(token))
    assert find_personal_data(text, today=TODAY) == []
