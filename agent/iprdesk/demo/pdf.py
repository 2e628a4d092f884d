"""Small real PDFs with a text layer, written by hand (one Helvetica page per 40 lines and a
correct xref table), and the demo's settlement documents. The demo seeds its vault with
them; the tests use them as documents pypdf really reads."""

import io


def _escape(line: str) -> str:
    return line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def text_pdf(text: str) -> bytes:
    lines = text.strip("\n").splitlines()
    pages = [lines[i:i + 40] for i in range(0, max(len(lines), 1), 40)]
    objects = {1: b"<< /Type /Catalog /Pages 2 0 R >>",
               3: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"}
    kids = []
    for n, page in enumerate(pages):
        page_id, content_id = 4 + 2 * n, 5 + 2 * n
        kids.append(f"{page_id} 0 R")
        ops = ["BT", "/F1 10 Tf", "14 TL", "50 790 Td"]
        ops += [f"({_escape(line)}) Tj T*" for line in page] + ["ET"]
        stream = "\n".join(ops).encode("latin-1")
        objects[content_id] = (b"<< /Length %d >>\nstream\n" % len(stream)) + stream + \
            b"\nendstream"
        objects[page_id] = (f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
                            f"/Resources << /Font << /F1 3 0 R >> >> "
                            f"/Contents {content_id} 0 R >>").encode()
    objects[2] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>".encode()
    return pdf_file(objects)


def pdf_file(objects: dict[int, bytes]) -> bytes:
    """A PDF of these objects (numbered 1..n without a gap, 1 the catalog), with its xref."""
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = out.tell()
        out.write(f"{number} 0 obj\n".encode() + objects[number] + b"\nendobj\n")
    xref = out.tell()
    count = max(objects) + 1
    out.write(f"xref\n0 {count}\n0000000000 65535 f \n".encode())
    for number in range(1, count):
        out.write(f"{offsets[number]:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {count} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


AGREEMENT = """\
SETTLEMENT AGREEMENT AND MUTUAL RELEASE
This Settlement Agreement is made between Bright Lens Studio LLC ("Plaintiff") and
the seller operating Joom store {store} ("Defendant").
1. Payment. Defendant shall pay USD 6,500 to Plaintiff's counsel, Greer, Burns & Crain, Ltd.
2. Products. This agreement covers the following product IDs: {products}.
3. Release. Plaintiff releases and forever discharges Defendant, SIA Joom and its
affiliates, and all marketplaces including Joom, from any and all claims arising from
past sales of the products listed above, whether known or unknown, up to the effective date.
4. Removal. Defendant has removed every image identified in the complaint.
Signed on 2026-03-02.
"""

PAYMENT = """\
BANK OF SHANGHAI - OUTWARD REMITTANCE ADVICE
Value date: 2026-03-03
Ordering customer: Shenzhen Example Trading Co., Ltd.
Beneficiary: Greer, Burns & Crain, Ltd. Client Trust Account
Amount: USD 6,500.00
Remittance information / Memo: Joom Settlement {store}
"""
