"""The QR code of a self-check link, so a window clerk can import the answers instead of re-typing."""

import io

import segno
from markupsafe import Markup


def qr_svg(link: str, title: str) -> Markup:
    """An inline SVG QR code of `link` (medium error correction), titled for screen readers."""
    buffer = io.BytesIO()
    segno.make(link, error="m").save(buffer, kind="svg", scale=3, xmldecl=False, svgns=False, title=title,
                                     svgclass="qr", lineclass=None)
    return Markup(buffer.getvalue().decode().replace("<svg ", '<svg role="img" aria-label="' + title + '" ', 1))
