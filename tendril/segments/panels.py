"""Panels that apps above segments add to a segment's page (alerts' "Alerts" box): segments
cannot import them, so each registers a function that renders its panel's HTML for one segment
and one viewer, from its AppConfig.ready() (as ``tendril.contacts.panels`` does for contacts).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest
from django.utils.safestring import SafeString

from tendril.segments.models import Segment

SegmentPanel = Callable[[HttpRequest, Segment], SafeString]

_panels: dict[str, SegmentPanel] = {}


def segment_panel(key: str, render: SegmentPanel) -> None:
    """Add (or, with the same key, replace) a panel of the segment page."""
    _panels[key] = render


def segment_panels(request: HttpRequest, segment: Segment) -> list[SafeString]:
    """Every registered panel rendered for this segment, in the order they were registered."""
    return [render(request, segment) for render in _panels.values()]
