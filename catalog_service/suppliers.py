"""The supplier registry: one importer profile per supplier, loaded from profile files."""

from __future__ import annotations

from functools import cache

from importers.profiles import SupplierProfile, load_profiles

from .errors import NotFound


@cache
def _cached_profiles(key: str) -> dict[str, SupplierProfile]:
    return load_profiles()


def profiles() -> dict[str, SupplierProfile]:
    """All supplier profiles by code (bundled, plus CATALOG_PROFILE_DIRS)."""
    import os

    return _cached_profiles(os.environ.get("CATALOG_PROFILE_DIRS", ""))


def profile_for(supplier: str) -> SupplierProfile:
    """The profile of a supplier code, case-insensitive. Raises NotFound for an unknown supplier."""
    found = profiles().get((supplier or "").strip().lower())
    if found is None:
        known = ", ".join(sorted(profiles()))
        # the value is not echoed: it is the caller's free text
        raise NotFound("unknown_supplier", f"Okänd leverantör. Kända leverantörer: {known}.")
    return found
