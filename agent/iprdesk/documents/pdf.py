"""The one PDF text reader: the preflight's documents, kind detection and notice import all
read PDFs through `read_pdf`."""

import io
import re
from dataclasses import dataclass, field

# Fewer letters and digits than this on all pages: a scan or photo with no text layer.
MIN_TEXT_CHARS = 20

# The text a scanning app stamps on each page it makes: a page with only this is a scan.
WATERMARK = re.compile(
    r"^\W*((scanned|created|made|digiti[sz]ed)\s+(with|by|using)\s+)?(camscanner|adobe\s+scan|"
    r"genius\s+scan|microsoft\s+lens|office\s+lens|tap\s*scanner|scanner\s+pro|tiny\s+scanner|"
    r"swift\s*scan|(cs\s*)?扫描全能王|夸克扫描王)\W*$", re.IGNORECASE | re.MULTILINE)


@dataclass
class PdfText:
    """What a PDF's text layer says. `problem` is None when every page was read, else one of
    not_pdf, encrypted, damaged (`detail` says how), scanned (no text at all) or scanned_pages
    (text on some pages; `scanned_pages` lists the others)."""

    pages: list[str] = field(default_factory=list)
    problem: str | None = None
    detail: str = ""
    scanned_pages: list[int] = field(default_factory=list)

    @property
    def text(self) -> str | None:
        """The readable text, or None when there is none."""
        return "\n".join(self.pages) if self.problem not in (
            "not_pdf", "encrypted", "damaged", "scanned") else None


def is_pdf(data: bytes) -> bool:
    return b"%PDF-" in data[:1024]


def read_pdf(data: bytes) -> PdfText:
    from pypdf import PdfReader

    if not is_pdf(data):
        return PdfText(problem="not_pdf")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            return PdfText(problem="encrypted")
        pages = [page.extract_text() or "" for page in reader.pages]
    except MemoryError:
        raise
    except Exception as e:  # noqa: BLE001 - see below
        # pypdf raises whatever a damaged file makes it raise: its own errors (a size past
        # its limits is LimitReachedError, not a PdfReadError), and AttributeError, KeyError,
        # TypeError... from a dictionary that is a number: each means this file is unreadable.
        detail = str(e).splitlines()[0][:120] if str(e) else type(e).__name__
        return PdfText(problem="damaged", detail=detail)
    pages = [WATERMARK.sub("", page) for page in pages]
    if sum(ch.isalnum() for ch in "".join(pages)) < MIN_TEXT_CHARS:
        return PdfText(pages=pages, problem="scanned")
    scanned = [n for n, page in enumerate(pages, 1)
               if sum(ch.isalnum() for ch in page) < MIN_TEXT_CHARS]
    # Text on some pages, a scan on others: what the scanned pages say was not read.
    return PdfText(pages=pages, problem="scanned_pages" if scanned else None,
                   scanned_pages=scanned)
