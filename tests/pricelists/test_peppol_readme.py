"""The README's table of Peppol AdditionalItemProperty names is the one the profiles give."""

from __future__ import annotations

from pathlib import Path

from importers.peppol import property_names_table
from importers.profiles import BUNDLED_DIR, load_profiles

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_lists_each_suppliers_property_names():
    text = README.read_text(encoding="utf-8")
    start = text.index("<!-- peppol-property-names: start -->\n") + len("<!-- peppol-property-names: start -->\n")
    end = text.index("<!-- peppol-property-names: end -->")
    assert text[start:end] == property_names_table(load_profiles([BUNDLED_DIR]))
