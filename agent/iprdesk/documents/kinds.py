"""What kind of evidence a file is, from its content: magic bytes for PDFs, mails, Photoshop
and camera RAW files, text cues in English and Chinese for PDFs, mails and text, and image
traits for a screenshot or a product photo. The name of the file is never asked.

It says `other` when it is not sure: the seller then chooses (a wrong kind filed silently is
worse than asking). The kinds are those of shared/evidence_kinds.json.
"""

import io
import re
import struct
from dataclasses import dataclass

from iprdesk.documents.mail import looks_like_mail, read_mail
from iprdesk.documents.pdf import is_pdf, read_pdf
from iprdesk.documents.text import plain_text


@dataclass(frozen=True)
class Detected:
    kind: str
    # What decided it: "pdf-text", "mail", "text", "page-archive", "psd", "raw", "camera",
    # "screen-size", "screenshot-tag", "product-square", or "unsure".
    reason: str


UNSURE = Detected("other", "unsure")

# Text cues per kind: (weight, pattern). A title-like phrase weighs 3, a telling word 1.
CUES = {
    "court": [
        (3, r"united states district court|temporary restraining order|preliminary injunction"
            r"|临时限制令|民事起诉状|人民法院|初步禁令"),
        (2, r"\bcase\s+no\.?|\bcivil\s+action\b|schedule\s+a\b|案号"),
        (1, r"\bplaintiffs?\b|\bdefendants?\b|\bv\.\s|\bcourt\b|原告|被告|法院|裁定|判决"),
    ],
    "agreement": [
        (3, r"settlement\s+agreement|和解协议|调解协议"),
        (1, r"\brelease[sd]?\b|\bhereby\b|\bparties\b|\bcovenant|免责|甲方|乙方|双方|签署"),
    ],
    "payment": [
        (3, r"remittance\s+advice|payment\s+(confirmation|receipt|advice)|debit\s+advice"
            r"|transfer\s+confirmation|电子回单|汇款回单|转账凭证|付款凭证|银行水单|业务回单"),
        (1, r"\bbeneficiary\b|\bremitter\b|\bordering\s+customer\b|\bvalue\s+date\b|\bswift\b"
            r"|\bamount\b|收款人|收款方|付款人|付款方|汇款|金额|交易流水|附言"),
    ],
    "notice": [
        (3, r"intellectual\s+property\s+(rights?\s+)?complaint|ipr\s+complaint|complaint\s+id"
            r"|知识产权投诉|侵权投诉|投诉编号"),
        (1, r"\bjoom\b|\binfring\w*|\brights?\s+holder\b|\bcopyright\b|\btrademark\b|侵权|版权"
            r"|商标|权利人|投诉"),
    ],
}
CUE_PATTERNS = {kind: [(w, re.compile(p, re.IGNORECASE)) for w, p in cues]
                for kind, cues in CUES.items()}
# The best kind needs this score and this lead over the next, else it is not sure.
MIN_SCORE = 3
MIN_LEAD = 2


def text_kind(text: str) -> str | None:
    """The kind the text's cues point to clearly, or None."""
    scores = sorted(((sum(w for w, pattern in cues if pattern.search(text)), kind)
                     for kind, cues in CUE_PATTERNS.items()), reverse=True)
    (best, kind), (second, _) = scores[0], scores[1]
    return kind if best >= MIN_SCORE and best - second >= MIN_LEAD else None


def _tiff_tags(data: bytes) -> set[int]:
    """The tags of a TIFF's first directory (RAW files from most cameras are TIFFs)."""
    order = "<" if data[:2] == b"II" else ">"
    try:
        (offset,) = struct.unpack(order + "I", data[4:8])
        (count,) = struct.unpack(order + "H", data[offset:offset + 2])
        return {struct.unpack(order + "H", data[offset + 2 + 12 * i:offset + 4 + 12 * i])[0]
                for i in range(min(count, 500))}
    except struct.error:
        return set()


DNG_VERSION, MAKE = 0xC612, 0x010F


def _raw_or_psd(data: bytes) -> str | None:
    if data[:4] == b"8BPS":
        return "psd"
    if data[:15] == b"FUJIFILMCCD-RAW" or data[4:12] == b"ftypcrx " or \
            data[:4] in (b"IIRO", b"IIRS", b"MMOR", b"IIU\x00"):
        return "raw"
    # A TIFF: Canon's CR2 says so at byte 8; DNG, NEF, ARW, PEF carry the DNG or make tag.
    tiff = data[:4] in (b"II*\x00", b"MM\x00*")
    if tiff and (data[8:10] == b"CR" or _tiff_tags(data) & {DNG_VERSION, MAKE}):
        return "raw"
    return None


# Screen sizes of the displays sellers use, and the phones (either orientation).
SCREEN_SIZES = {(1920, 1080), (1366, 768), (1536, 864), (1440, 900), (1280, 720), (1600, 900),
                (1280, 800), (1280, 1024), (1680, 1050), (1920, 1200), (2560, 1440),
                (2560, 1600), (2880, 1800), (3840, 2160), (1024, 768), (1360, 768),
                (1170, 2532), (1179, 2556), (1284, 2778), (1290, 2796), (1080, 2340),
                (1080, 2400), (1080, 1920), (750, 1334), (1242, 2688), (828, 1792)}
SCREENSHOT_TAG = re.compile(r"screenshot|screen\s*shot|snipping|截图|截屏", re.IGNORECASE)


def _image(data: bytes) -> Detected | None:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            size = image.size
            exif = image.getexif()
            tags = " ".join(v if isinstance(v, str) else v.decode("utf-8", "replace")
                            for v in image.info.values() if isinstance(v, str | bytes))
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        return None
    if exif.get(0x010F) or exif.get(0x0110):  # the camera's make or model
        return Detected("photo", "camera")
    if SCREENSHOT_TAG.search(tags) or SCREENSHOT_TAG.search(str(exif.get(0x0131, ""))):
        return Detected("screenshot", "screenshot-tag")
    width, height = size
    if (width, height) in SCREEN_SIZES or (height, width) in SCREEN_SIZES:
        return Detected("screenshot", "screen-size")
    # Marketplaces show products in square pictures; screens and documents are not square.
    if min(width, height) >= 500 and abs(width - height) <= 0.02 * max(width, height):
        return Detected("photo", "product-square")
    return UNSURE


def detect_kind(data: bytes) -> Detected:
    """The kind of evidence these bytes are, or `other` (reason "unsure")."""
    if is_pdf(data):
        kind = text_kind(read_pdf(data).text or "")
        return Detected(kind, "pdf-text") if kind else UNSURE
    if b"Snapshot-Content-Location:" in data[:4096]:  # a browser's page archive (MHTML)
        return Detected("page", "page-archive")
    if (raw := _raw_or_psd(data)) is not None:
        return Detected("original", raw)
    if looks_like_mail(data):
        mail = read_mail(data)
        text = f"{mail.subject}\n{mail.text}"
        # A mail is correspondence unless it is Joom's complaint notice itself.
        return Detected("notice" if text_kind(text) == "notice" else "email", "mail")
    image = _image(data)
    if image is not None:
        return image
    text = plain_text(data)
    if text is not None and (kind := text_kind(text)):
        return Detected(kind, "text")
    return UNSURE
