"""Near-duplicate detection: the generated edits match, unrelated pictures do not."""

import io
import json

import pytest
from bench.imagegen import EDITS, STACKS, jpeg, png, product_photo
from click.testing import CliRunner
from PIL import Image

from iprdesk.cli import main
from iprdesk.errors import BadInput
from iprdesk.images import similar
from tests.helpers import as_version_4
from tests.helpers import jpeg_fingerprint as fp


@pytest.fixture(scope="module")
def original():
    return product_photo(7, (800, 600))


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_every_edit_is_caught(original, edit):
    result = similar.compare(fp(original), fp(EDITS[edit](original)))
    assert result.verdict in ("same", "near-duplicate"), result


@pytest.fixture(scope="module")
def pictures():
    """Many generated pictures (small: the hashes see 32x32 anyway) and their fingerprints."""
    return [(seed, picture, fp(picture)) for seed in range(200, 220)
            for picture in [product_photo(seed, (400, 300))]]


def test_every_edit_of_many_pictures_is_caught(pictures):
    """Mirrored, cropped, recoloured and captioned copies of many pictures, not just one."""
    missed = [(edit, seed, result) for edit in sorted(EDITS) for seed, picture, old in pictures
              if (result := similar.compare(old, fp(EDITS[edit](picture)))).verdict
              == "different"]
    assert missed == []


@pytest.mark.parametrize("stack", sorted(STACKS))
def test_every_stack_of_edits_is_caught(original, stack):
    """Cut, mirrored, recoloured and captioned at once, as a seller's designer does."""
    result = similar.compare(fp(original), fp(STACKS[stack](original)))
    assert result.verdict in ("same", "near-duplicate"), result


def test_stacks_of_edits_of_many_pictures_are_caught(pictures):
    """Each stack on 20 pictures: 3 of the 280 copies get through (a square canvas of a
    mirrored recoloured one, a tenth cut all round, mirrored, turned to the opposite hue and
    captioned; a grey crop under a banner of 30 % on the right); bench/similar.py measures
    the rate on bigger pictures. More than 3 is a regression (before the parts without a
    caption band, the first 200 missed 83; before the banner cuts, 3 of them and 53 of the
    80 under a banner; before the value's hashes, 4, with a mirrored opposite hue under a
    banner of 25 % on the left)."""
    missed = [(stack, seed) for stack in sorted(STACKS) for seed, picture, old in pictures
              if similar.compare(old, fp(STACKS[stack](picture))).verdict == "different"]
    assert len(missed) <= 3, missed


def test_a_captioned_recoloured_crop_is_caught_without_its_caption_band(original):
    """The caption throws every part that holds it, the new colours the brightness hashes: the
    parts without a caption band agree by their edges. A fingerprint stored before those
    parts (version 1) still reads and compares, without them."""
    copy = fp(STACKS["crop-corner+recolour+caption"](original))
    assert similar.compare(fp(original), copy).verdict == "near-duplicate"
    stored = fp(original).to_json()
    assert stored["version"] == similar.FINGERPRINT_VERSION
    del stored["banded"], stored["sided"], stored["banners"], stored["version"]
    older = similar.Fingerprint.from_json(stored)
    assert (older.version, older.banded) == (1, ())
    assert similar.compare(older, copy).verdict == "different"
    assert similar.compare(older, fp(EDITS["crop-left-20%"](original))).verdict == "near-duplicate"


def test_a_recoloured_copy_is_caught_by_its_edges_alone(original):
    """A turned hue throws the brightness hashes; the edges still agree (compared without
    the value's hashes, which agree too: tests/test_similar_hue.py)."""
    result = similar.compare(as_version_4(fp(original)),
                             as_version_4(fp(EDITS["hue-180"](original))))
    assert result.phash + result.dhash > similar.THRESHOLDS["near-duplicate"]["phash+dhash"]
    assert result.verdict == "near-duplicate"
    assert result.edge <= similar.THRESHOLDS["near-duplicate"]["edge"]


def test_many_unrelated_pictures_are_different():
    """Every ordered pair of 60 unrelated pictures (3,540: a comparison tries the parts of the
    first), in two sizes, by either rule (the edges are the stricter)."""
    prints = [fp(product_photo(seed, (320, 240) if seed % 2 else (800, 600)))
              for seed in range(3000, 3060)]
    matched = [(i, j, c) for i, a in enumerate(prints) for j, b in enumerate(prints) if i != j
               if (c := similar.compare(a, b)).verdict != "different"]
    assert matched == []
    closest_edges = min(similar.compare(a, b).edge for i, a in enumerate(prints)
                        for b in prints[i + 1:])
    assert closest_edges >= similar.THRESHOLDS["near-duplicate"]["edge"] + 4


def test_fingerprints_stored_without_edge_hashes_still_compare(original):
    old = fp(original).to_json()
    for key in ("edge", "edge_mirror", "edge_center", "edge_center_mirror"):
        del old[key]
    stored = similar.Fingerprint.from_json(old)
    result = similar.compare(stored, fp(EDITS["mirror"](original)))
    assert (result.verdict, result.edge) == ("near-duplicate", None)


def test_reencoding_is_the_same_picture_and_mirroring_is_flagged(original):
    old = fp(original)
    assert similar.compare(old, fp(EDITS["jpeg-q40"](original))).verdict == "same"
    mirrored = similar.compare(old, fp(EDITS["mirror"](original)))
    assert (mirrored.verdict, mirrored.mirrored) == ("near-duplicate", True)


def test_unrelated_pictures_are_different():
    prints = [fp(product_photo(seed)) for seed in range(100, 130)]
    for i, a in enumerate(prints):
        for b in prints[i + 1:]:
            assert similar.compare(a, b).verdict == "different"


def test_identical_bytes_are_the_same_without_looking(original):
    data = jpeg(original)
    assert similar.compare(similar.fingerprint_bytes(data),
                           similar.fingerprint_bytes(data)).to_json()["distances"]["phash"] == 0


def test_exif_orientation_is_applied(original):
    # A phone photo stored sideways with Orientation=6 is the same picture shown upright.
    sideways = original.transpose(Image.Transpose.ROTATE_90)
    exif = Image.Exif()
    exif[0x0112] = 6
    out = io.BytesIO()
    sideways.save(out, "JPEG", quality=92, exif=exif.tobytes())
    stored = similar.fingerprint_bytes(out.getvalue())
    assert (stored.width, stored.height) == (800, 600)
    assert similar.compare(fp(original), stored).verdict == "same"


def test_transparent_cutout_compares_as_shown_on_white(original):
    rgba = original.convert("RGBA")
    rgba.putalpha(255)
    assert similar.compare(fp(original), similar.fingerprint_bytes(png(rgba))).verdict == "same"


def test_big_jpeg_is_decoded_in_draft_mode_but_reports_full_size():
    big = similar.fingerprint_bytes(jpeg(product_photo(3, (4000, 3000)), 85))
    small = similar.fingerprint_bytes(jpeg(product_photo(3, (800, 600)), 85))
    assert (big.width, big.height) == (4000, 3000)
    assert similar.compare(small, big).verdict == "same"


def test_fingerprint_json_round_trip(original):
    f = fp(original)
    assert similar.Fingerprint.from_json(json.loads(json.dumps(f.to_json()))) == f
    with pytest.raises(BadInput):
        similar.Fingerprint.from_json({"sha256": "x"})


def test_not_an_image_is_a_clear_error(tmp_path):
    bad = tmp_path / "notes.jpg"
    bad.write_bytes(b"hello")
    with pytest.raises(BadInput, match="notes.jpg is not an image"):
        similar.fingerprint_file(bad)
    with pytest.raises(BadInput, match="Cannot read"):
        similar.fingerprint_file(tmp_path / "missing.jpg")


def test_batch_uses_worker_processes_and_keeps_order(tmp_path):
    paths = []
    for seed in range(10):
        path = tmp_path / f"{seed}.jpg"
        path.write_bytes(jpeg(product_photo(seed, (320, 240))))
        paths.append(path)
    (tmp_path / "9.jpg").write_bytes(b"broken")
    results = list(similar.fingerprint_many(paths, workers=2))
    assert [r[0] for r in results] == [str(p) for p in paths]
    assert results[-1][1] is None and "not an image" in results[-1][2].message
    assert results[0][1] == similar.fingerprint_file(paths[0])


@pytest.fixture
def catalog(tmp_path, original):
    complained = tmp_path / "complained"
    shop = tmp_path / "shop" / "sub"
    complained.mkdir()
    shop.mkdir(parents=True)
    (complained / "old.jpg").write_bytes(jpeg(original))
    for seed in range(200, 209):
        (shop / f"p{seed}.jpg").write_bytes(jpeg(product_photo(seed, (320, 240))))
    (shop / "reused.png").write_bytes(png(EDITS["caption"](original)))
    (shop / "readme.txt").write_text("not an image")
    (shop / ".hidden.jpg").write_bytes(jpeg(original))
    return tmp_path


def test_audit_cli_finds_the_reused_image(catalog, home):
    r = CliRunner().invoke(main, ["audit", str(catalog / "shop"), "--against",
                                  str(catalog / "complained"), "--json", "--workers", "2"])
    assert r.exit_code == 1, r.output
    report = json.loads(r.output)
    assert report["checked"] == 10
    assert [m["path"].rsplit("/", 1)[1] for m in report["matches"]] == ["reused.png"]
    assert report["matches"][0]["verdict"] == "near-duplicate"


def test_audit_cli_clean_catalogue_exits_0(catalog, home):
    (catalog / "shop" / "sub" / "reused.png").unlink()
    r = CliRunner().invoke(main, ["audit", str(catalog / "shop"), "--against",
                                  str(catalog / "complained" / "old.jpg")])
    assert r.exit_code == 0, r.output
    assert "9 images checked, 0 match" in r.output


def test_compare_cli(catalog, tmp_path, original):
    new = tmp_path / "new.jpg"
    new.write_bytes(jpeg(EDITS["mirror"](original)))
    r = CliRunner().invoke(main, ["compare", str(catalog / "complained" / "old.jpg"), str(new),
                                  "--json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["verdict"] == "near-duplicate"
    r = CliRunner().invoke(main, ["compare", str(catalog / "complained" / "old.jpg"),
                                  str(catalog / "shop" / "sub" / "readme.txt")])
    assert r.exit_code == 1 and "is not an image" in r.output


def test_audit_refuses_an_unreadable_complained_image(catalog, home):
    (catalog / "complained" / "broken.jpg").write_bytes(b"not a jpeg")
    r = CliRunner().invoke(main, ["audit", str(catalog / "shop"), "--against",
                                  str(catalog / "complained")])
    assert r.exit_code == 2 and "broken.jpg is not an image" in r.output


def test_a_deep_or_one_sided_crop_is_caught_by_the_parts_of_the_reference(original):
    """A crop a fifth off one side throws the whole-picture hashes; a part of the reference
    agrees by both rules."""
    old, new = fp(original), fp(EDITS["crop-left-20%"](original))
    whole = min((similar._orientation(old, new, m) for m in (False, True)),
                key=similar.Comparison.rank)
    assert whole.verdict == "different"
    result = similar.compare(old, new)
    part = similar.THRESHOLDS["part"]["together"]
    assert result.verdict == "near-duplicate"
    assert result.phash + result.dhash <= part["phash+dhash"] and result.edge <= part["edge"]


def test_fingerprints_round_trip_with_their_parts_and_older_ones_compare_as_wholes(original):
    padded = fp(EDITS["pad-white-10%"](original))
    assert padded.trimmed is not None and len(padded.regions) == len(similar._REGIONS)
    assert similar.Fingerprint.from_json(padded.to_json()) == padded
    assert len(padded.banded) == 4 + 2 * len(similar._BANDED_REGIONS)
    assert fp(original).trimmed is None  # nothing to trim: no hashes for it
    old = fp(original).to_json()
    # stored before parts were hashed (and so before their middles)
    del old["regions"], old["banded"], old["core"], old["version"]
    stored = similar.Fingerprint.from_json(old)
    assert similar.compare(stored, fp(EDITS["mirror"](original))).verdict == "near-duplicate"
    assert similar.compare(stored, fp(EDITS["crop-left-20%"](original))).verdict == "different"
    with pytest.raises(BadInput):
        similar.Fingerprint.from_json({**old, "regions": ["not hex"]})
