"""Images with known metadata, made by the tests themselves (Pillow, piexif, byte splicing),
and the two oracles: decoded pixels frame by frame, and exiftool's view of the metadata."""

import functools
import io
import json
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import piexif
import pytest
from PIL import Image, ImageCms, ImageOps, ImageSequence
from PIL.PngImagePlugin import PngInfo

SHANGHAI = (31.2304, 121.4737)
XMP_PACKET = (
    '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    '<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" '
    'xmp:CreatorTool="Lightroom Mobile" photoshop:City="Shenzhen">'
    "<dc:creator><rdf:Seq><rdf:li>Wang Wei</rdf:li></rdf:Seq></dc:creator>"
    "</rdf:Description></rdf:RDF></x:xmpmeta>"
    '<?xpacket end="w"?>'
).encode()

needs_exiftool = pytest.mark.skipif(shutil.which("exiftool") is None,
                                    reason="exiftool (libimage-exiftool-perl) is not installed")


def gradient(size=(64, 48), mode="RGB") -> Image.Image:
    w, h = size
    im = Image.new("RGB", size)
    im.putdata([((x * 255) // w, (y * 255) // h, (x * y) % 256)
                for y in range(h) for x in range(w)])
    return im.convert(mode) if mode != "RGB" else im


@functools.cache
def icc_profile() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def _rational(value: float) -> tuple[int, int]:
    return int(round(value * 10000)), 10000


def _dms(value: float):
    value = abs(value)
    d = int(value)
    m = int((value - d) * 60)
    s = (value - d - m / 60) * 3600
    return ((d, 1), (m, 1), _rational(s))


def exif_bytes(*, orientation=None, gps=SHANGHAI, make="Apple", model="iPhone 14 Pro",
               serial="F2LXK9Q1ABCD", artist="Li Na", thumbnail=True) -> bytes:
    zeroth = {piexif.ImageIFD.Make: make, piexif.ImageIFD.Model: model,
              piexif.ImageIFD.Software: "17.1", piexif.ImageIFD.DateTime: "2024:05:01 10:00:00"}
    if orientation:
        zeroth[piexif.ImageIFD.Orientation] = orientation
    if artist:
        zeroth[piexif.ImageIFD.Artist] = artist
        zeroth[piexif.ImageIFD.Copyright] = "Shenzhen Trading Co."
    exif = {piexif.ExifIFD.DateTimeOriginal: "2024:05:01 10:00:00",
            piexif.ExifIFD.LensModel: "iPhone 14 Pro back camera 6.86mm f/1.78"}
    if serial:
        exif[piexif.ExifIFD.BodySerialNumber] = serial
    gps_ifd = {}
    if gps:
        lat, lon = gps
        gps_ifd = {piexif.GPSIFD.GPSLatitudeRef: "N" if lat >= 0 else "S",
                   piexif.GPSIFD.GPSLatitude: _dms(lat),
                   piexif.GPSIFD.GPSLongitudeRef: "E" if lon >= 0 else "W",
                   piexif.GPSIFD.GPSLongitude: _dms(lon),
                   piexif.GPSIFD.GPSAltitude: (12, 1)}
    data = {"0th": zeroth, "Exif": exif, "GPS": gps_ifd, "1st": {}, "thumbnail": None}
    if thumbnail:
        thumb = io.BytesIO()
        gradient((16, 12)).save(thumb, "JPEG")
        data["1st"] = {piexif.ImageIFD.JPEGInterchangeFormat: 0,
                       piexif.ImageIFD.JPEGInterchangeFormatLength: 0}
        data["thumbnail"] = thumb.getvalue()
    return piexif.dump(data)


def _segment(marker: int, payload: bytes) -> bytes:
    return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload


def iptc_app13() -> bytes:
    def record(dataset, text):
        value = text.encode()
        return bytes([0x1C, 2, dataset]) + struct.pack(">H", len(value)) + value

    iptc = record(80, "Zhang San") + record(116, "(c) Zhang San") + record(90, "Yiwu")
    resource = b"8BIM" + struct.pack(">H", 0x0404) + b"\x00\x00" + struct.pack(">I", len(iptc))
    resource += iptc + (b"\x00" if len(iptc) & 1 else b"")
    return _segment(0xED, b"Photoshop 3.0\x00" + resource)


def extended_xmp_app1s(text: bytes) -> list[bytes]:
    guid = b"0123456789ABCDEF0123456789ABCDEF"
    parts, size = [], len(text)
    for offset in range(0, size, 40):
        chunk = text[offset:offset + 40]
        parts.append(_segment(0xE1, b"http://ns.adobe.com/xmp/extension/\x00" + guid
                              + struct.pack(">II", size, offset) + chunk))
    return parts


def mpf_app2() -> bytes:
    return _segment(0xE2, b"MPF\x00" + b"MM\x00\x2a\x00\x00\x00\x08" + b"\x00" * 16)


def photo_jpeg(*, orientation=None, size=(64, 48), everything=True, **exif_kw) -> bytes:
    """A phone-like JPEG: EXIF (GPS, camera, serial, names, thumbnail), ICC, and with
    `everything` also XMP, extended XMP, IPTC, a comment, MPF, FlashPix, an APP5 block and a
    second image after EOI."""
    out = io.BytesIO()
    kw = {"exif": exif_bytes(orientation=orientation, **exif_kw), "icc_profile": icc_profile(),
          "quality": 90}
    if everything:
        kw["comment"] = b"shot at warehouse 3"
    gradient(size).save(out, "JPEG", **kw)
    data = out.getvalue()
    if not everything:
        return data
    extended = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description ' \
               b'xmlns:aux="http://ns.adobe.com/exif/1.0/aux/" aux:SerialNumber="SN-998877"/>' \
               b"</rdf:RDF></x:xmpmeta>"
    extra = (_segment(0xE1, b"http://ns.adobe.com/xap/1.0/\x00" + XMP_PACKET)
             + b"".join(extended_xmp_app1s(extended)) + iptc_app13() + mpf_app2()
             + _segment(0xE2, b"FPXR\x00\x00\x01" + b"\x00" * 8)
             + _segment(0xE5, b"Vendor\x00data"))
    second = io.BytesIO()
    gradient((32, 24)).save(second, "JPEG")
    return data[:2] + extra + data[2:] + second.getvalue()


def jpeg_with_exifs(*exifs: bytes) -> bytes:
    """A plain JPEG with these EXIF blocks (as exif_bytes makes them), one APP1 segment
    each, in this order."""
    out = io.BytesIO()
    gradient().save(out, "JPEG", quality=80)
    data = out.getvalue()
    return data[:2] + b"".join(_segment(0xE1, e) for e in exifs) + data[2:]


def shown_size(data: bytes) -> tuple[int, int]:
    """The size a viewer shows: Pillow's exif_transpose, which like Chromium reads the
    orientation of the first EXIF block only."""
    with Image.open(io.BytesIO(data)) as im:
        return ImageOps.exif_transpose(im).size


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_claiming(width: int, height: int, idat: bytes = b"") -> bytes:
    """An 8-bit RGBA PNG header of any size, with the given image data (none: a bomb)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr)
            + (png_chunk(b"IDAT", idat) if idat else b"") + png_chunk(b"IEND", b""))


def transparent_png(side: int) -> bytes:
    """A real, complete RGBA PNG of side x side transparent pixels in well under 1 MB: one
    deflate block of zero rows, repeated (each ends in a full flush, so none refers to another)."""
    rows_per_block = 64
    row = bytes(1 + side * 4)  # filter byte 0 and transparent black
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = packer.compress(row * rows_per_block) + packer.flush(zlib.Z_FULL_FLUSH)
    blocks, rest = divmod(side, rows_per_block)
    tail = zlib.compressobj(9, zlib.DEFLATED, -15)
    last = tail.compress(row * rest) + tail.flush()
    length = len(row) * side
    adler = ((length % 65521) << 16) | 1  # the Adler-32 of zero bytes
    idat = b"\x78\xda" + block * blocks + last + struct.pack(">I", adler)
    return png_claiming(side, side, idat)


def photo_png(*, orientation=None, mode="RGBA", trailing=b"TRAILING-SECRET") -> bytes:
    info = PngInfo()
    info.add_text("Author", "Chen Jie")
    info.add_text("Comment", "warehouse B", zip=True)
    info.add_itxt("Description", "新品 photo", lang="zh", tkey="描述")
    info.add_itxt("XML:com.adobe.xmp", XMP_PACKET.decode())
    out = io.BytesIO()
    gradient(mode=mode).save(out, "PNG", pnginfo=info, icc_profile=icc_profile(),
                             exif=exif_bytes(orientation=orientation, thumbnail=False))
    data = out.getvalue()
    tm = png_chunk(b"tIME", struct.pack(">HBBBBB", 2024, 5, 1, 10, 0, 0))
    return data[:33] + tm + data[33:] + trailing


def webp(*, lossless=False, orientation=None, animated=False) -> bytes:
    out = io.BytesIO()
    kw = {"exif": exif_bytes(orientation=orientation, thumbnail=False), "xmp": XMP_PACKET,
          "icc_profile": icc_profile(), "lossless": lossless, "quality": 80}
    if animated:
        frames = [gradient(), gradient().rotate(90, expand=False), gradient().transpose(0)]
        frames[0].save(out, "WEBP", save_all=True, append_images=frames[1:], duration=100,
                       loop=0, **kw)
    else:
        gradient(mode="RGBA").save(out, "WEBP", **kw)
    return out.getvalue() + b"JUNK"


GIF_XMP_TRAILER = b"\x01" + bytes(range(255, -1, -1)) + b"\x00"


def animated_gif() -> bytes:
    out = io.BytesIO()
    frames = [gradient().convert("P"), gradient().rotate(180).convert("P"),
              gradient().transpose(1).convert("P")]
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=80, loop=0,
                   comment=b"made by Zhao Lei")
    data = out.getvalue()
    xmp = b"\x21\xff\x0bXMP DataXMP" + XMP_PACKET + GIF_XMP_TRAILER
    # After the header, screen descriptor and global colour table.
    flags = data[10]
    start = 13 + (3 << ((flags & 7) + 1) if flags & 0x80 else 0)
    return data[:start] + xmp + data[start:] + b"after-trailer"


def heic(*, orientation=6) -> bytes:
    import pillow_heif

    pillow_heif.register_heif_opener()
    out = io.BytesIO()
    gradient().save(out, "HEIF", exif=exif_bytes(orientation=orientation, thumbnail=False),
                    icc_profile=icc_profile(), quality=90)
    return out.getvalue()


# -- oracles ------------------------------------------------------------------------------

def frames(data: bytes) -> list[tuple[str, tuple, bytes]]:
    """Every frame decoded: (mode, size, raw pixels). For JPEG only the primary image: MPO
    secondary images after EOI are dropped by design."""
    with Image.open(io.BytesIO(data)) as im:
        if im.format in ("JPEG", "MPO"):
            return [(im.mode, im.size, im.tobytes())]
        return [(f.mode, f.size, f.copy().tobytes()) for f in ImageSequence.Iterator(im)]


def icc_of(data: bytes) -> bytes | None:
    with Image.open(io.BytesIO(data)) as im:
        return im.info.get("icc_profile")


# Groups exiftool reports for a file without metadata (structure, colour, container).
STRUCTURE_GROUPS = {"ExifTool", "System", "File", "Composite", "JFIF", "ICC-header",
                    "ICC_Profile", "ICC-view", "ICC-meas", "Adobe", "PNG", "PNG-pHYs", "RIFF",
                    "GIF", "APP14"}
# Tags of the structure groups that would still be metadata.
SENSITIVE_TAGS = {"Comment", "Author", "Description", "Copyright", "Software", "Creation Time",
                  "Artist", "Title", "ModifyDate", "DateTimeOriginal", "XMPToolkit", "Warning"}


def exiftool(data: bytes) -> dict:
    result = subprocess.run(["exiftool", "-j", "-G1", "-a", "-n", "-"], input=data,
                            capture_output=True, check=True)
    return json.loads(result.stdout)[0]


def exiftool_files(paths) -> dict[str, dict]:
    """One exiftool run over many files (it starts slowly): {file name: tags}."""
    result = subprocess.run(["exiftool", "-j", "-G1", "-a", "-n", *map(str, paths)],
                            capture_output=True, check=True)
    return {Path(tags["SourceFile"]).name: tags for tags in json.loads(result.stdout)}


def leftover_metadata(data_or_tags: bytes | dict) -> dict:
    """What exiftool still finds beyond structure; an IFD0 Orientation alone is allowed."""
    tags = data_or_tags if isinstance(data_or_tags, dict) else exiftool(data_or_tags)
    left = {}
    for key, value in tags.items():
        group, _, tag = key.partition(":")
        if key in ("SourceFile", "IFD0:Orientation", "ExifTool:ExifToolVersion"):
            continue
        if not (group in STRUCTURE_GROUPS or group.startswith("ICC")) or tag in SENSITIVE_TAGS:
            left[key] = value
    return left
