"""Test documents: the demo's text PDFs (iprdesk.demo.pdf) and image-only ones (a 'scan')."""

import io

from PIL import Image, ImageDraw

from iprdesk.demo.pdf import AGREEMENT, PAYMENT, text_pdf

__all__ = ["AGREEMENT", "PAYMENT", "scanned_pdf", "text_pdf"]


def scanned_pdf(text: str = "SETTLEMENT AGREEMENT") -> bytes:
    """A PDF that only holds a picture of a page, as a scanner or phone app makes it."""
    page = Image.new("RGB", (620, 877), "white")
    ImageDraw.Draw(page).text((40, 40), text, fill="black")
    out = io.BytesIO()
    page.save(out, format="PDF", resolution=72)
    return out.getvalue()
