"""Starting a price list's reader child early, before the app is built.

``catalog pricelist import`` spends about two seconds importing the app's modules and building it
before the import starts; the reader child spends about as long loading the sheet before its first
row moves. Started first, the child loads while the parent starts, on the machine's other core.
This module imports only the readers and the settings, so the command can call it before anything
heavy. ``import_price_list(..., started=reader)`` uses the early reader only when it reads exactly
what the import would read (same file, profiles, limits and price ceiling): nothing here decides.
A Peppol catalogue's reader reads the file as sent; the copy without the header's parties, which the
import stores and hashes as it would have made it, is made here while the child reads.
"""

from __future__ import annotations

from pathlib import Path

from importers.errors import ImportFileError
from importers.formats import check_file
from importers.isolation import ChildLimits, ChildReader
from importers.peppol import check_catalogue, copy_to_store, looks_like_xml, read_catalogue
from importers.pricelist import read_price_list
from importers.profiles import load_profiles
from importers.workbook import WorkbookLimits

from ..config import ReaderLimits


def child_limits(limits: ReaderLimits) -> ChildLimits:
    """The reader child's memory and time caps from the READER_* settings."""
    return ChildLimits(memory_bytes=limits.memory_mb * 1024 * 1024, seconds=limits.seconds)


def start_reader(path: Path, supplier: str, limits: ReaderLimits, max_price) -> ChildReader | None:
    """A reader child for the price list at ``path``, already reading; the caller closes it.

    None for a file or supplier that the import refuses: the import then says why, in its usual
    order (the file is checked here as the import checks it, before any XML is parsed).
    """
    profiles = load_profiles()  # what catalog_service.suppliers.profiles() holds, without the app
    profile = profiles.get((supplier or "").strip().lower())
    if profile is None:
        return None
    if looks_like_xml(path):
        return _start_catalogue_reader(path, profile, profiles, limits, max_price)
    try:
        check_file(path, WorkbookLimits(max_rows=limits.max_rows))
    except ImportFileError:
        return None
    args = (path, profile, tuple(profiles.values()), limits.max_rows, max_price)
    return ChildReader(read_price_list, *args, limits=child_limits(limits))


def _start_catalogue_reader(path: Path, profile, profiles: dict, limits: ReaderLimits, max_price):
    """A Peppol catalogue's reader reads the file as sent; the copy without its header parties, which the
    import stores and hashes, is made here while the child reads (removed when the reader closes).

    The child parses the parties only to pass over them (nothing of them leaves it); reading the file as
    sent also gives XML errors the line numbers of the supplier's own file. Making the 364 MB copy first
    held the reader back by about a second.
    """
    try:
        check_catalogue(path, WorkbookLimits(max_rows=limits.max_rows))
    except ImportFileError:
        return None
    args = (path, profile, tuple(profiles.values()), limits.max_rows, max_price)
    reader = ChildReader(read_catalogue, *args, limits=child_limits(limits), origin=path)
    try:
        reader.owned_file = copy_to_store(path)
    except BaseException:
        reader.close()
        raise
    return reader
