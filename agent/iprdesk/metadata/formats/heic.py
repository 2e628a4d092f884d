"""HEIC/HEIF (iPhone photos): converted to a clean JPEG, since the Panel does not take HEIC.

This is the one handler that re-encodes: HEIF has no byte-level path to a format Joom
accepts. libheif applies the container's rotation/mirroring, so the JPEG is upright with no
orientation tag; the ICC profile is carried over; nothing else is written (a fresh Pillow
image, so no comment or EXIF leaks through the encoder).
"""

import io

from iprdesk.metadata.base import FormatHandler, ImageProblem, Picture, Rewrite, check_pixels
from iprdesk.metadata.decoders.exif import read_exif
from iprdesk.metadata.decoders.icc import check_profile
from iprdesk.metadata.decoders.xmp import read_xmp
from iprdesk.metadata.findings import Findings
from iprdesk.text.i18n import Message

JPEG_QUALITY = 95
_BRANDS = (b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1")


class HeicHandler(FormatHandler):
    format = "heic"
    mime = "image/heic"
    output_format, output_mime, output_extension = "jpeg", "image/jpeg", ".jpg"
    lossless_strip = False  # the pixels are decoded and re-encoded as a JPEG

    @staticmethod
    def sniff(head: bytes) -> bool:
        # ISO BMFF: size, "ftyp", major brand, minor version, compatible brands. An AVIF
        # file also says mif1, so its major brand decides.
        return head[4:8] == b"ftyp" and head[8:12] in _BRANDS

    def rewrite(self, data: bytes) -> Rewrite:
        # Imported on demand: libheif and Pillow cost start-up time that a JPEG does not need.
        import pillow_heif
        from PIL import Image, ImageOps

        findings = Findings()
        try:
            heif = pillow_heif.open_heif(io.BytesIO(data), convert_hdr_to_8bit=True)
            check_pixels(*heif.size)
            info = heif.info
            image = heif.to_pillow()
            rotated = info.get("original_orientation", 1) not in (None, 1)
            # Any orientation left in the decoded image's EXIF is applied too.
            image = ImageOps.exif_transpose(image)
            pixels = image.tobytes()
        except (ImageProblem, MemoryError):
            raise
        except Exception as e:  # noqa: BLE001 - see below
            # libheif and Pillow's EXIF reader raise whatever a damaged box makes them
            # (SyntaxError for an unsupported box, IndexError without a primary image,
            # OSError, ValueError...): every one means this photo cannot be converted.
            # What libheif said is for the log: its words are English and for developers.
            import logging

            logging.getLogger(__name__).info("libheif could not decode a HEIC photo: %s", e)
            raise ImageProblem("damaged", Message("metadata.problem.heic_undecodable")) from e
        if info.get("exif"):
            read_exif(findings, info["exif"])
        if info.get("xmp"):
            read_xmp(findings, info["xmp"])
        for block in info.get("metadata") or []:
            findings.block(f"HEIF {block.get('type', 'metadata')}", len(block.get("data", b"")))
        if info.get("thumbnails"):
            findings.thumbnail = True
            findings.block("thumbnail", 0)
        if info.get("depth_images"):
            findings.block("depth map", 0)
        icc = info.get("icc_profile") or image.info.get("icc_profile")
        if icc:
            check_profile(icc)
        clean = Image.frombytes(image.mode, image.size, pixels)
        if clean.mode not in ("RGB", "L"):
            clean = clean.convert("RGB")
        out = io.BytesIO()
        clean.save(out, "JPEG", quality=JPEG_QUALITY, icc_profile=icc or None)
        picture = Picture(clean.width, clean.height, icc_kept=bool(icc),
                          orientation_applied=rotated)
        return Rewrite([out.getvalue()], findings, picture)
