"""Inline SVG charts with pygal, shared by the pages (delivery report, stock): no JavaScript,
rendered on the server."""

from __future__ import annotations

import re
import sys

_SCRIPT = re.compile(r"<script\b.*?</script>", re.DOTALL)

COLOURS = ("#00587a", "#e0a800", "#6a8d3a", "#a33b5c", "#5b5b8f", "#3a8d8a")


def pygal_module():
    """pygal, without the import hook it adds to ``sys.meta_path`` on import.

    The hook (``pygal.PluginImportFixer``, for the optional ``pygal.maps`` plugins, unused here) has
    ``find_module`` but no ``find_spec``: on Python 3.11 every later import that no other finder
    resolves, such as an optional import in a ``try``, then raises an ImportWarning (an error in
    the test suite). Upstream: https://github.com/Kozea/pygal/pull/532 (open).
    """
    import pygal

    sys.meta_path[:] = [finder for finder in sys.meta_path if not isinstance(finder, pygal.PluginImportFixer)]
    return pygal


def style():
    """The pages' chart style: system font, white background, the site's colours."""
    from pygal.style import Style

    pygal_module()
    return Style(
        font_family="system-ui, sans-serif",
        background="#fff",
        plot_background="#fff",
        colors=COLOURS,
        value_font_size=10,
    )


def chart_options(**options) -> dict:
    """Options every inline chart needs, plus the chart's own."""
    return {
        "js": [],  # no JavaScript: the chart is plain SVG
        "disable_xml_declaration": True,  # inline in the page
        "style": style(),
        **options,
    }


def render_svg(chart) -> str:
    """The chart as inline SVG text, without the tooltip script pygal writes even with ``js=[]``.

    The picture is an image named by its title (``role="img"``, WCAG 1.1.1); each page shows the same figures
    in a table beside it. Its width follows the page (the viewBox keeps the proportions, base.css).
    """
    from markupsafe import escape

    svg = _SCRIPT.sub("", chart.render(is_unicode=True))
    label = escape(chart.config.title or "Diagram")
    return svg.replace("<svg ", f'<svg role="img" aria-label="{label}" focusable="false" ', 1)
