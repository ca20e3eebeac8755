"""Privacy by design: the one guard every entrance of free text goes through (no Flask here)."""

from .guard import (
    KINDS,
    STRUCTURED_FIELDS,
    Finding,
    PersonalDataFound,
    check_structured,
    describe,
    find_personal_data,
    guard_cells,
    guard_text,
    normalise,
)

__all__ = [
    "KINDS",
    "STRUCTURED_FIELDS",
    "Finding",
    "PersonalDataFound",
    "check_structured",
    "describe",
    "find_personal_data",
    "guard_cells",
    "guard_text",
    "normalise",
]
