"""Near-duplicates under a shop's banner (up to nearly a third of the picture, along any
side), and the hard negatives: products of one category shot alike are different pictures."""

import itertools

import pytest
from bench.imagegen import EDITS, STACKS, _banner, catalogue_photo, product_photo

from iprdesk.errors import BadInput
from iprdesk.images import similar
from tests.helpers import as_version_4
from tests.helpers import jpeg_fingerprint as fp

BANNER_EDITS = sorted(k for k in EDITS if k.startswith("banner-"))
BANNER_STACKS = sorted(k for k in STACKS if "banner-" in k)


@pytest.fixture(scope="module")
def original():
    return product_photo(7, (800, 600))


@pytest.mark.parametrize("side", similar._SIDES)
@pytest.mark.parametrize("share", [0.10, 0.20, 0.30])
def test_a_banner_is_found_along_its_side_and_cut_with_a_share_that_holds_it(original, side,
                                                                              share):
    copy = fp(_banner(original, side, share))
    found = {(similar._SIDES[b.side], similar._BANNER_CUTS[b.cut]) for b in copy.banners}
    cuts = [cut for s, cut in found if s == side]
    assert len(cuts) == 1 and share < cuts[0] <= share + 0.08, found


@pytest.mark.parametrize("edit", BANNER_EDITS)
def test_a_banner_over_many_pictures_is_caught(edit):
    """A banner of 25 or 30 % of the height or the width, on 12 pictures: before the banners
    were cut off, up to 4 in 10 of these got through (bench/similar.py)."""
    missed = []
    for seed in range(400, 412):
        picture = product_photo(seed, (400, 300))
        if similar.compare(fp(picture), fp(EDITS[edit](picture))).verdict == "different":
            missed.append(seed)
    assert missed == []


def test_a_bannered_recoloured_mirror_is_caught_only_by_the_cut_parts(original):
    """Mirrored, turned to the opposite hue, a quarter covered on the left: no whole or band
    hash agrees; the copy without its banner (mirrored back, along the reference's right)
    agrees with the reference without the same share by its edges."""
    old, new = fp(original), fp(STACKS["mirror+hue180+banner-left-25%"](original))
    # (its backdrop's plain top and bottom rows are cut off as well, with their own parts)
    assert "left" in [similar._SIDES[b.side] for b in new.banners]
    assert similar.compare(old, new).verdict == "near-duplicate"
    no_banners = similar.Fingerprint.from_json({**new.to_json(), "banners": []})
    assert similar.compare(old, no_banners).verdict == "different"


def test_fingerprints_of_version_2_still_compare_by_the_parts_they_have(original):
    assert fp(original).version == similar.FINGERPRINT_VERSION == 7
    stored = as_version_4(fp(original)).to_json()
    del stored["sided"], stored["core"]
    stored["version"] = 2
    older = similar.Fingerprint.from_json(stored)
    assert (older.version, older.sided) == (2, ())
    assert similar.compare(older, fp(STACKS["crop+mirror+hue+caption"](original))
                           ).verdict == "near-duplicate"
    assert similar.compare(older, fp(STACKS["mirror+hue180+banner-left-25%"](original))
                           ).verdict == "different"


def test_fingerprints_round_trip_with_their_banners_and_refuse_damaged_ones(original):
    new = fp(EDITS["banner-right-30%"](original))
    assert new.banners and len(new.sided) == similar._SIDED_PARTS
    assert similar.Fingerprint.from_json(new.to_json()) == new
    stored = new.to_json()
    for damaged in ({"sided": stored["sided"][:-1]},
                    {"banners": [[9, 0, *stored["banners"][0][2:]]]},
                    {"banners": [[0, 0, "xyz"]]}):
        with pytest.raises(BadInput):
            similar.Fingerprint.from_json({**stored, **damaged})


def version_3(f: similar.Fingerprint) -> similar.Fingerprint:
    """`f` as stored before the middles were hashed."""
    return similar.Fingerprint.from_json({**f.to_json(), "core": [], "version": 3})


def test_products_of_one_category_shot_alike_are_told_apart_by_their_middles():
    """The hard negatives: 12 categories, 6 products each, same backdrop, stand, layout,
    label and (odd categories) the same shop banner; every ordered pair (360). The whole
    pictures' hashes and the parts' are mostly the shared backdrop: compared as fingerprints
    of version 3 (no middles), 26 pairs match, as they did. With the middles, a match by the
    whole picture's brightness or by a part cut from the reference stands only where the
    middles (where the product stands) are close too: 9 pairs match (a product alike in
    the middle, or by edges alone). More than 9 is a regression; the banner cuts still add
    none (their rule is the strictest)."""
    matched, before = [], []
    for category in range(700, 712):
        prints = [fp(catalogue_photo(category, product, (400, 300))) for product in range(6)]
        for (i, a), (j, b) in itertools.permutations(enumerate(prints), 2):
            if similar.compare(a, b).verdict != "different":
                matched.append((category, i, j))
            if similar.compare(version_3(a), version_3(b)).verdict != "different":
                before.append((category, i, j))
    assert len(matched) <= 9 and set(matched) <= set(before), matched
    assert len(before) == 26
    without_cuts = [(category, i, j) for category, i, j in matched
                    if similar.compare(*(similar.Fingerprint.from_json(
                        {**fp(catalogue_photo(category, p, (400, 300))).to_json(),
                         "banners": []}) for p in (i, j))).verdict != "different"]
    assert without_cuts == matched


def test_the_middles_keep_every_single_edit_of_a_product_shot_a_near_duplicate():
    """The middles withdraw a match only where both pictures' middles differ by every hash:
    each single edit of a catalogue photo (the product in the middle of its backdrop) is
    still caught, and a fingerprint of version 3 still compares (without the middles)."""
    picture = catalogue_photo(731, 3, (400, 300))
    old = fp(picture)
    assert len(old.core) == 4 + len(similar._REGIONS)
    assert similar.Fingerprint.from_json(old.to_json()) == old
    missed = [edit for edit in sorted(EDITS)
              if similar.compare(old, fp(EDITS[edit](picture))).verdict == "different"]
    assert missed == []
    assert similar.compare(version_3(old), fp(EDITS["mirror"](picture))).verdict != "different"
    with pytest.raises(BadInput):
        similar.Fingerprint.from_json({**old.to_json(), "core": old.to_json()["core"][:-1]})


def test_the_same_shop_banner_on_two_products_does_not_make_them_alike():
    """Both under the shop's banner of 30 %: cut off, each is its own product."""
    a, b = (fp(_banner(catalogue_photo(720, p, (400, 300)), "bottom", 0.30)) for p in (1, 2))
    assert a.banners and b.banners
    assert similar.compare(a, b).verdict == "different"
