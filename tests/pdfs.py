"""Test documents: the demo's text PDFs (iprdesk.demo.pdf) and image-only ones (a 'scan')."""

import io

from PIL import Image, ImageDraw

from iprdesk.demo.pdf import AGREEMENT, PAYMENT, pdf_file, text_pdf

__all__ = ["AGREEMENT", "PAYMENT", "scanned_pdf", "text_pdf", "unicode_pdf"]


def scanned_pdf(text: str = "SETTLEMENT AGREEMENT") -> bytes:
    """A PDF that only holds a picture of a page, as a scanner or phone app makes it."""
    page = Image.new("RGB", (620, 877), "white")
    ImageDraw.Draw(page).text((40, 40), text, fill="black")
    out = io.BytesIO()
    page.save(out, format="PDF", resolution=72)
    return out.getvalue()


def unicode_pdf(text: str) -> bytes:
    """A one-page text PDF in any script (Chinese too): each character a CID equal to its code
    point, mapped back by a ToUnicode CMap, the font not embedded (extraction needs only the
    map). Each line is one text run, as a PDF made by a word processor."""
    lines = text.strip("\n").splitlines()
    chars = sorted({ord(ch) for line in lines for ch in line if ord(ch) <= 0xFFFF})
    maps = []
    for i in range(0, len(chars), 100):
        block = chars[i:i + 100]
        maps.append(f"{len(block)} beginbfchar\n" + "\n".join(
            f"<{c:04X}> <{c:04X}>" for c in block) + "\nendbfchar")
    cmap = ("/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
            "/CMapName /Adobe-Identity-UCS def /CMapType 2 def\n"
            "1 begincodespacerange <0000> <FFFF> endcodespacerange\n"
            + "\n".join(maps) + "\nendcmap CMapName currentdict /CMap defineresource pop end end")
    ops = ["BT", "/F1 10 Tf", "14 TL", "50 790 Td"]
    ops += ["<" + "".join(f"{ord(ch):04X}" for ch in line if ord(ch) <= 0xFFFF) + "> Tj T*"
            for line in lines] + ["ET"]
    stream, cmap_bytes = "\n".join(ops).encode(), cmap.encode()
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
           b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        4: b"<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-H "
           b"/DescendantFonts [6 0 R] /ToUnicode 7 0 R >>",
        5: b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        6: b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun /CIDToGIDMap /Identity "
           b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
           b"/DW 1000 >>",
        7: b"<< /Length %d >>\nstream\n" % len(cmap_bytes) + cmap_bytes + b"\nendstream",
    }
    return pdf_file(objects)
