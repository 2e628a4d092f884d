"""A document's text, whether the seller gives a PDF or a text file: the one place that
decides how text files are decoded (UTF-8, else GB18030, which Chinese Windows writes)."""

from dataclasses import dataclass

from iprdesk.documents.pdf import is_pdf, read_pdf


def plain_text(data: bytes) -> str | None:
    """The bytes as text (UTF-8, else GB18030, a BOM dropped), None when they are not text."""
    if b"\x00" in data[:4096]:
        return None
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding).lstrip("\ufeff")
        except UnicodeDecodeError:
            continue
    return None


@dataclass
class DocumentText:
    """What a document says. `problem` is None when all of it was read, else the PDF reader's
    (`not_pdf` never: a file that is no PDF is read as text) or `not_text`; `text` is None
    when nothing could be read."""

    text: str | None
    problem: str | None = None
    detail: str = ""
    scanned_pages: tuple[int, ...] = ()


def read_document(data: bytes) -> DocumentText:
    if is_pdf(data):
        read = read_pdf(data)
        return DocumentText(read.text, read.problem, read.detail, tuple(read.scanned_pages))
    text = plain_text(data)
    if text is None or not text.strip():
        return DocumentText(None, "not_text")
    return DocumentText(text)
