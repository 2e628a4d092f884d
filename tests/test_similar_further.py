"""Copies further from the reference (issue 13): turned on its side or upside down, cut by a
quarter or more, set into a busy scene; a grey crop under a banner; a mirrored recoloured
copy on a square canvas: each held now, each shown let through without what holds it."""

import pytest
from bench.imagegen import FURTHER_EDITS, STACKS, catalogue_photo, jpeg, product_photo

from iprdesk.errors import BadInput
from iprdesk.images import similar
from tests.helpers import as_version_5
from tests.helpers import jpeg_fingerprint as fp

TURNS = ["rotate-90", "rotate-180", "rotate-270", "mirror+rotate-90"]
DEEPER = ["crop-25%", "crop-left-35%", "crop-corner-25%", "inset-busy-70%"]


@pytest.fixture(scope="module")
def pictures():
    return [(seed, picture, fp(picture)) for seed in range(300, 310)
            for picture in [product_photo(seed, (400, 300))]]


def test_a_turned_copy_is_caught_and_never_the_same_picture(pictures):
    """A quarter, a half or three quarters turned (one mirrored too), on 10 pictures: each
    agrees with the reference within the turn's strict rule once turned back (`turns`); as
    version 5 compared them (no turns), every one got through."""
    missed, before, same = [], [], []
    for edit in TURNS:
        for seed, picture, old in pictures:
            new = fp(FURTHER_EDITS[edit](picture))
            result = similar.compare(old, new)
            if result.verdict == "different":
                missed.append((edit, seed))
            same += [(edit, seed)] * (result.verdict == "same")
            before += [(edit, seed)] * (similar.compare(
                as_version_5(old), as_version_5(new)).verdict == "different")
    assert missed == [] and same == []
    assert len(before) == len(TURNS) * len(pictures)


def test_products_of_one_category_turned_are_not_held_by_the_whole_pictures_rules():
    """Products of one category (bench/similar.py --seed 0's hard negatives), one turned
    back against the other: their shapes look alike upside down or on their side on the same
    backdrop, within the whole picture's pHash+dHash 24, so a turn held to the whole
    picture's rules matched them; both rules must agree within `THRESHOLDS["turn"]`."""
    rule = similar.THRESHOLDS["turn"]
    for category, a, b in ((2, 3, 7), (4, 3, 4), (16, 5, 4)):
        old, new = (similar.fingerprint_bytes(jpeg(catalogue_photo(category, p)))
                    for p in (a, b))
        turned = [similar._hamming(old.phash, t.phash) + similar._hamming(old.dhash, t.dhash)
                  for t in new.turns]
        assert min(turned) <= similar.THRESHOLDS["near-duplicate"]["phash+dhash"]
        assert min(turned) > rule["phash+dhash"]
        assert similar.compare(old, new).verdict == "different"


def test_deeper_cuts_and_a_picture_in_a_busy_scene_are_caught(pictures):
    """A quarter cut all round or at a corner, 35 % off one side (the reference's deeper
    parts), the picture at 70 % in the middle of another photo (the new picture's middle
    parts against the reference whole): of these 40 copies, 4 get through (a quarter cut all
    round of 2 pictures, 35 % off one side and a corner of one each), 28 as fingerprints
    stored at version 5 (no deeper parts) compare. More than 4 missed is a regression."""
    missed, before = [], []
    for edit in DEEPER:
        for seed, picture, old in pictures:
            new = fp(FURTHER_EDITS[edit](picture))
            if similar.compare(old, new).verdict == "different":
                missed.append((edit, seed))
            if similar.compare(as_version_5(old), as_version_5(new)).verdict == "different":
                before.append((edit, seed))
    assert len(missed) <= 4 and set(missed) <= set(before), missed
    assert len(before) == 28


def test_a_grey_crop_under_a_banner_is_held_by_a_near_exact_phash(monkeypatch):
    """A grey crop under a banner of 30 % on the right (product photos bench/similar.py
    --seed 0 missed with version 5): the reference without the same share agrees by its
    pHash (0 to 2 of 64) where the grey dHash of a smooth backdrop is thrown (13 to 20), so
    a near-exact pHash alone counts under a banner. Saved as an upload is (quality 92), 5 of
    the six are held; without that rule 3 are (25 and 50 get through)."""
    stack = STACKS["crop+grayscale+banner-right-30%"]
    pairs = [(fp(picture), fp(stack(picture)))
             for picture in map(product_photo, (18, 24, 25, 26, 50, 52))]
    held = [similar.compare(old, new).verdict for old, new in pairs]
    assert held.count("near-duplicate") >= 5, held
    monkeypatch.setitem(similar.THRESHOLDS, "banner", {
        k: v for k, v in similar.THRESHOLDS["banner"].items() if k != "phash"})
    without = [similar.compare(old, new).verdict for old, new in pairs]
    assert [without[i] for i in (2, 4)] == ["different"] * 2 and held[2] == held[4] == (
        "near-duplicate")


def test_a_recoloured_copy_on_a_square_canvas_is_held_by_its_contents_middle():
    """Mirrored, in another colour, on a square canvas (product photo 49): its content
    without the padding agrees with the reference by the value, which counts only where
    the middles agree by it: the content's own middle (`trimmed_core`) does, the padded
    picture's did not."""
    picture = product_photo(49)
    old, new = fp(picture), fp(STACKS["square-canvas+mirror+hue"](picture))
    result = similar.compare(old, new)
    assert (result.verdict, result.hue_free) == ("near-duplicate", True), result
    without = similar.Fingerprint.from_json({**new.to_json(), "trimmed_core": None})
    assert similar.compare(old, without).verdict == "different"


def test_fingerprints_round_trip_with_their_turns_and_version_5_still_compares(pictures):
    """Stored fingerprints (case images, the watch list) of version 5 still read and
    compare, by the parts they have; damaged new fields are refused."""
    _, picture, old = pictures[0]
    padded = fp(STACKS["square-canvas+mirror+hue"](picture))
    assert len(old.turns) == 6 and padded.trimmed_core is not None
    for f in (old, padded):
        assert similar.Fingerprint.from_json(f.to_json()) == f
    older = as_version_5(old)
    assert (older.version, older.turns, len(older.regions)) == (5, (), 15)
    # the turns are the new picture's: a reference stored at version 5 still holds a turned
    # upload; its deeper parts it does not have
    turned = fp(FURTHER_EDITS["rotate-90"](picture))
    assert similar.compare(older, turned).verdict == "near-duplicate"
    assert similar.compare(older, as_version_5(turned)).verdict == "different"
    stored = old.to_json()
    for damaged in ({"turns": stored["turns"][:-1]}, {"core": stored["core"][:-1]},
                    {"trimmed_core": ["xyz", "xyz"]}):
        with pytest.raises(BadInput):
            similar.Fingerprint.from_json({**stored, **damaged})
