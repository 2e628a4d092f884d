"""compare/audit/assess decode within a memory budget: big pictures and decompression bombs are
refused by name and size before decoding, HEIC is read, and normal pictures hash as before."""

import io
import json
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from bench.imagegen import EDITS, WORST, jpeg, product_photo
from click.testing import CliRunner
from PIL import Image

from iprdesk.cli import main
from iprdesk.errors import BadInput
from iprdesk.images import similar
from tests import image_fixtures as fx

REPO = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.filterwarnings("error")  # no Pillow warning may reach a user


def _small(fmt: str, **options) -> bytearray:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (90, 140, 200)).save(out, fmt, **options)
    return bytearray(out.getvalue())


def test_a_13000_pixel_square_png_is_refused_by_name_and_size(tmp_path):
    # 657 KB that decoded to 2.7 GB in 7 s; refused from its header now.
    path = tmp_path / "banner.png"
    path.write_bytes(fx.transparent_png(13000))
    assert path.stat().st_size < 1_000_000
    with pytest.raises(BadInput) as caught:
        similar.fingerprint_file(path)
    e = caught.value
    assert e.code == "too_many_pixels"
    en, zh = e.text("en"), e.text("zh_CN")
    assert str(path) in en and "13000 x 13000 pixels (169.0 million)" in en
    assert "40 million pixels iprdesk compares in a PNG file" in en
    assert str(path) in zh and "13000 x 13000 像素" in zh


def test_the_png_maker_makes_a_real_png():
    with Image.open(io.BytesIO(fx.transparent_png(300))) as image:
        assert image.size == (300, 300) and image.getextrema()[3] == (0, 0)


def _set(data: bytearray, at: int, fmt: str, *values) -> bytes:
    data[at:at + struct.calcsize(fmt)] = struct.pack(fmt, *values)
    return bytes(data)


def _jpeg_bomb(marker: bytes, **options) -> bytes:
    data = _small("JPEG", **options)
    return _set(data, data.find(marker) + 5, ">HH", 60000, 60000)


def _tiff_bomb() -> bytes:
    side = 100_000
    entries = [(256, 4, side), (257, 4, side), (258, 3, 8), (259, 3, 1), (262, 3, 1),
               (273, 4, 0), (277, 3, 1), (278, 4, side), (279, 4, 8)]
    ifd = b"".join(struct.pack("<HHII", tag, kind, 1, value) if kind == 4 else
                   struct.pack("<HHIHH", tag, kind, 1, value, 0) for tag, kind, value in entries)
    return b"II*\x00" + struct.pack("<IH", 8, len(entries)) + ifd + bytes(4)


def _webp_bomb() -> bytes:
    data = _small("WEBP", lossless=True)
    at = data.find(b"VP8L") + 9
    bits = int.from_bytes(data[at:at + 4], "little") & ~((1 << 28) - 1)
    return _set(data, at, "<I", bits | 16382 | (16382 << 14))


def _gif_frame_bomb(side: int) -> bytes:
    """A 10 x 10 GIF screen whose first frame is side x side: Pillow grows the picture to
    hold it, checking its own limit as it opens the file."""
    return (b"GIF89a" + struct.pack("<HHBBB", 10, 10, 0, 0, 0)
            + b"," + struct.pack("<4HB", 0, 0, side, side, 0) + b"\x02\x02\x4c\x01\x00;")


# (format named in the refusal, file) for each format Pillow opens here
BOMBS = {
    "PNG": ("PNG", lambda: fx.png_claiming(100_000, 100_000)),
    "GIF": ("GIF", lambda: _set(_small("GIF"), 6, "<HH", 65535, 65535)),
    # over Pillow's limit (its error), and between its warning and its error
    "GIF-frame-huge": ("GIF", lambda: _gif_frame_bomb(60000)),
    "GIF-frame-100MP": ("GIF", lambda: _gif_frame_bomb(10000)),
    "BMP": ("BMP", lambda: _set(_small("BMP"), 18, "<ii", 50_000, 50_000)),
    "TIFF": ("TIFF", _tiff_bomb),
    "WebP": ("WebP", _webp_bomb),
    "JPEG": ("JPEG", lambda: _jpeg_bomb(b"\xff\xc0")),
    "progressive-JPEG": ("progressive JPEG", lambda: _jpeg_bomb(b"\xff\xc2", progressive=True)),
}


@pytest.mark.parametrize("bomb", sorted(BOMBS))
def test_a_decompression_bomb_is_refused_in_the_products_words(bomb):
    kind, make = BOMBS[bomb]
    with pytest.raises(BadInput) as caught:
        similar.fingerprint_bytes(make(), "bomb")
    assert caught.value.code == "too_many_pixels"
    assert f"in a {kind} file" in caught.value.message


def test_a_heic_claiming_another_size_is_a_clean_error():
    pytest.importorskip("pillow_heif").register_heif_opener()
    data = _small("HEIF")
    at = data.find(b"ispe") + 8
    with pytest.raises(BadInput, match="damaged"):
        similar.fingerprint_bytes(_set(data, at, ">II", 30000, 30000), "bomb.heic")


def test_a_jpeg_in_several_scans_is_held_to_the_progressive_limit(tmp_path):
    # libjpeg keeps every coefficient of a JPEG in several scans, progressive or not.
    (tmp_path / "scans").write_text("0: 0 63 0 0;\n1: 0 63 0 0;\n2: 0 63 0 0;\n")
    (tmp_path / "one.jpg").write_bytes(_small("JPEG", quality=90))
    subprocess.run(["jpegtran", "-scans", str(tmp_path / "scans"), "-outfile",
                    str(tmp_path / "three.jpg"), str(tmp_path / "one.jpg")], check=True)
    claimed = {}
    for name in ("one.jpg", "three.jpg"):
        data = bytearray((tmp_path / name).read_bytes())
        assert b"\xff\xc2" not in data  # sequential, not progressive
        # 30 million pixels: under the JPEG limit, over the progressive one
        claimed[name] = _set(data, data.find(b"\xff\xc0") + 5, ">HH", 5000, 6000)
    try:  # decoded at 1/8 scale: what is missing is grey, or a damaged file
        similar.fingerprint_bytes(claimed["one.jpg"], "one.jpg")
    except BadInput as e:
        assert e.code == "not_an_image", e.message
    with pytest.raises(BadInput, match="in a progressive JPEG file") as caught:
        similar.fingerprint_bytes(claimed["three.jpg"], "three.jpg")
    assert caught.value.code == "too_many_pixels"


def heic(image: Image.Image) -> bytes:
    pytest.importorskip("pillow_heif").register_heif_opener()
    out = io.BytesIO()
    image.save(out, "HEIF", quality=90)
    return out.getvalue()


def test_heic_is_compared(monkeypatch):
    original = product_photo(8, (800, 600))
    photo = heic(original)
    result = similar.compare(similar.fingerprint_bytes(jpeg(original, 92)),
                             similar.fingerprint_bytes(photo, "IMG_0001.HEIC"))
    assert result.verdict == "same", result
    monkeypatch.setitem(similar.MAX_PIXELS, "HEIC", 400_000)
    with pytest.raises(BadInput, match="800 x 600 pixels .* in a HEIC file"):
        similar.fingerprint_bytes(photo, "IMG_0001.HEIC")


def test_audit_reads_heic_and_reports_a_bomb_by_name_while_checking_the_rest(tmp_path, home):
    original = product_photo(9, (640, 480))
    (tmp_path / "complained").mkdir()
    (tmp_path / "complained" / "old.jpg").write_bytes(jpeg(original))
    shop = tmp_path / "shop"
    shop.mkdir()
    (shop / "a-banner.png").write_bytes(fx.transparent_png(13000))
    (shop / "b-copy.heic").write_bytes(heic(EDITS["mirror"](original)))
    (shop / "c-own.jpg").write_bytes(jpeg(product_photo(10, (640, 480))))
    args = ["audit", str(shop), "--against", str(tmp_path / "complained")]
    r = CliRunner().invoke(main, [*args, "--json"])
    assert r.exit_code == 1, r.output
    report = json.loads(r.output)
    assert report["checked"] == 3
    assert [m["path"] for m in report["matches"]] == [str(shop / "b-copy.heic")]
    [refused] = report["unreadable"]
    assert refused["path"] == str(shop / "a-banner.png")
    assert "13000 x 13000 pixels" in refused["error"] and "像素" not in refused["error"]
    r = CliRunner().invoke(main, args)
    assert "skipped: " + str(shop / "a-banner.png") + " is 13000 x 13000" in r.output
    assert "3 images checked, 1 match" in r.output
    r = CliRunner().invoke(main, [*args, "--lang", "zh_CN"])
    assert "已跳过：" + str(shop / "a-banner.png") + " 有 13000 x 13000 像素" in r.output
    assert "已检查 3 张图片，1 张与被投诉图片相同或近似" in r.output


def test_compare_refuses_a_bomb_with_the_products_error(tmp_path):
    (tmp_path / "old.jpg").write_bytes(jpeg(product_photo(9, (320, 240))))
    (tmp_path / "new.png").write_bytes(fx.transparent_png(13000))
    r = CliRunner().invoke(main, ["compare", str(tmp_path / "old.jpg"), str(tmp_path / "new.png")])
    assert r.exit_code == 1
    assert r.output.startswith(f"error: {tmp_path / 'new.png'} is 13000 x 13000 pixels")


# Fingerprints of normal pictures made before decoding was bounded: stored fingerprints of
# complained pictures must keep matching.
PINNED = {
    "jpeg": "fb361e0bc41d903d aee36b5e91c8816a f3b616c2449d961d"
            " a6e36bd711c8c349 6d4d2c94d1db1b89 494dcbd67424276e",
    "mpo": "fb361e0bc41d903d aee36b5e91c8816a f3361ec2449d961d"
           " a6e36bd711c8c349 6d4d2c94d1db1b89 494dcbd67424276e",
    "png-rgba": "d39a9a9300bd90f7 86cfcfc655c8c522 d39e9e82649d3436"
                " 86cbcbd731c86323 a8793092cad858a5 4a61e3b48ce4e54a",
    "gif-transparent": "fb361e0bc41d903d ae636b5e93c8816a f3361ec2449d961d"
                       " a6e36bd791c8c348 6d4d2c94d1db1b89 494dcbd67424276e",
    "tiff-cmyk": "fb161e0bc49d903d ae636b5e93c8816a f3361ec2449d961d"
                 " a6e36bd791c8c348 6d4d2c94d1db1b89 494dcbd67424276e",
    "webp-rgba": "d39a9a9300bd90f7 86cfcfc655c8c522 d39e9e82649d3436"
                 " 86cbcbd731c86323 a8793092cad858a5 4a61e3b48ce4e54a",
}


def pinned_images() -> dict[str, bytes]:
    # Drawn from numpy's seeded generator: bench.imagegen's noise depends on what ran before.
    rng = np.random.default_rng(11)
    coarse = Image.fromarray(rng.integers(0, 256, (9, 12, 3), dtype=np.uint8))
    photo = coarse.resize((1001, 777), Image.Resampling.BICUBIC)
    rgba = photo.convert("RGBA")
    rgba.putalpha(coarse.convert("L").resize((1001, 777), Image.Resampling.BILINEAR))
    made = {}
    for key, image, fmt, options in (
            ("jpeg", coarse.resize((3000, 2001), Image.Resampling.BICUBIC), "JPEG",
             {"quality": 90}),
            ("mpo", coarse.resize((2000, 1334), Image.Resampling.BICUBIC), "MPO",
             {"save_all": True, "append_images": [coarse]}),
            ("png-rgba", rgba, "PNG", {"compress_level": 1}),
            ("gif-transparent", photo.convert("P", palette=Image.Palette.WEB), "GIF",
             {"transparency": 3}),
            ("tiff-cmyk", photo.convert("CMYK"), "TIFF", {}),
            ("webp-rgba", rgba, "WEBP", {"lossless": True, "method": 0})):
        out = io.BytesIO()
        image.save(out, fmt, **options)
        made[key] = out.getvalue()
    return made


def test_normal_pictures_hash_as_before():
    for key, data in pinned_images().items():
        f = similar.fingerprint_bytes(data).to_json()
        assert " ".join(f[k] for k in ("phash", "phash_mirror", "phash_center",
                                       "phash_center_mirror", "dhash", "dhash_mirror")
                        ) == PINNED[key], key


# Two of the formats that cost the most memory per pixel, at their limit; bench/similar.py
# --memory measures every format. Each is made, and fingerprinted, in a fresh process.
MAKE = ("import sys; from bench.imagegen import worst_picture as make; "
        "make(sys.argv[1], int(sys.argv[2]), sys.argv[3])")
# VmHWM: the child's peak since exec. Its ru_maxrss would be pytest's if that was higher (it
# is inherited at fork), and RUSAGE_CHILDREN the highest of every child any test waited for.
PEAK = """
import sys
from iprdesk.images import similar
similar.fingerprint_file(sys.argv[1])
print(open("/proc/self/status").read().split("VmHWM:")[1].split()[0])
"""


@pytest.mark.parametrize("kind", ["WebP", "progressive JPEG"])
def test_the_worst_accepted_picture_decodes_in_300_mb(tmp_path, kind):
    name = WORST[kind][0]
    subprocess.run([sys.executable, "-c", MAKE, kind, str(similar.MAX_PIXELS[kind]),
                    str(tmp_path)], check=True, timeout=120, cwd=REPO)
    r = subprocess.run([sys.executable, "-c", PEAK, str(tmp_path / name)],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    peak_mb = int(r.stdout) * 1024 / 1e6  # kB (KiB) in /proc
    assert peak_mb < 300, f"{kind}: {peak_mb:.0f} MB"
