"""A new image checked, as the seller uploads it, against the complained images of the open
case whose product the Panel page edits (issue 13): uploading an edit of the complained
picture again (mirrored, cropped, recoloured, captioned) brings a new complaint, and after a
settlement can close the store.

The upload guard sends each image to `POST /v1/strip` with the page's address; that one round
trip cleans the image and, beside it, runs `check`. The page edits a case's product when one
of its path segments or query values is one of the case's product IDs (the Panel's product
pages carry the ID in their address). The complained images are those the case's watched old
URLs served and those the seller dropped (`case_images.references`). A copy found is kept on
the case, held (`case_images`); the seller who uploads it anyway has that recorded on the case
(`UPLOADED_ANYWAY`, and the copy marked uploaded), and can say later that they removed it.
"""

import re
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from iprdesk.casework import case_images
from iprdesk.casework.cases import Case, CaseStore
from iprdesk.errors import BadInput
from iprdesk.images import similar
from iprdesk.text import shared_data

# The case event recorded when the seller uploads a near-duplicate anyway.
UPLOADED_ANYWAY = "similar_image_uploaded"
MAX_PAGE_URL = 2000


def _tokens(page_url: str) -> set[str]:
    """The path segments and query values of a page address: where a product ID may be."""
    parts = urlsplit(str(page_url)[:MAX_PAGE_URL])
    tokens = {unquote(segment) for segment in parts.path.split("/") if segment}
    return tokens | {value for _, value in parse_qsl(parts.query)}


def cases_of_page(home: Path, page_url: str) -> list[Case]:
    """The open cases one of whose products the Panel page at `page_url` shows."""
    tokens = _tokens(page_url)
    return [case for case in CaseStore(home).all("open") if tokens & set(case.products)]


def page_product(home: Path, page_url: str | None) -> str | None:
    """The product the Panel page at `page_url` edits (the upload guard's originals are sealed
    under it): a product of an open case its address names, as `check` finds them, else the
    `{id}` of the Panel's product edit address (the page map's `productEditPath`)."""
    if not page_url:
        return None
    tokens = _tokens(page_url)
    named = [p for case in cases_of_page(home, page_url) for p in case.products if p in tokens]
    if named:
        return named[0]
    edit_path = shared_data.load("pagemap.json")["pages"]["complaint-report"]["productEditPath"]
    head, _, tail = edit_path.partition("{id}")
    found = re.search(f"{re.escape(head)}([^/?#]+){re.escape(tail)}(?:$|[/?#])",
                      urlsplit(str(page_url)[:MAX_PAGE_URL]).path)
    return unquote(found.group(1))[:200] if found else None


def check(home: Path, data: bytes, name: str, page_url: str) -> dict | None:
    """None when the page edits no product of an open case. Else what was found:
    `verdict` "same", "near-duplicate" or "different" (against `complained` images), or
    "unchecked" with the `reason` (no complained image known yet, or the image unreadable);
    `match`, the closest complained image when it is not "different"."""
    found = cases_of_page(home, page_url)
    if not found:
        return None
    by_id = {case.id: case for case in found}
    out = {"cases": [{"id": c.id, "complaint_id": c.complaint_id} for c in found],
           "complained": 0, "verdict": "unchecked", "reason": None, "match": None}
    references = case_images.labelled_references(home, by_id)
    out["complained"] = len(references)
    if not references:
        out["reason"] = "no_complained_images"
        return out
    try:
        fingerprint = similar.fingerprint_bytes(data, name)
    except BadInput as e:
        out["reason"] = e.code
        return out
    label, comparison = similar.closest(fingerprint, references)
    out["verdict"] = comparison.verdict
    if comparison.verdict != "different":
        case_id, like = label.split(": ", 1)
        # Kept on the case, held: the seller's "upload anyway" names it (`caught`).
        caught = case_images.CaseImages(home).add_caught(case_id, data, name, like)
        out["match"] = {"case": case_id, "complaint_id": by_id[case_id].complaint_id,
                        "url": like, "caught": caught.id, **comparison.to_json()}
    return out
