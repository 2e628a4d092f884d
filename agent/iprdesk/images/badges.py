"""What the product page's badge says about one image (DESIGN section 4, "Panel overlays").

An image shown on the Panel gets zero or more problems, or "fine":
- `near-duplicate`: it is the same as, or an edit of, a complained picture of any case (those
  the watched old URLs served and those the seller dropped as files: `case_images.references`,
  the list the upload check and the preflight compare with too);
- `metadata`: it still carries metadata (GPS, camera, ...) that `iprdesk strip` removes;
- `old-url-live`: its URL, or another size of the same Joom upload, is a watched old URL whose
  last check found it still public.
"""

from pathlib import Path

from iprdesk import metadata
from iprdesk.casework import case_images
from iprdesk.errors import BadInput
from iprdesk.images import similar
from iprdesk.metadata.formats.heic import HeicHandler
from iprdesk.text import i18n
from iprdesk.urls import check as urlcheck
from iprdesk.urls import watch as urlwatch

PROBLEMS = ("near-duplicate", "metadata", "old-url-live")


def _old_url(home: Path, url: str) -> dict | None:
    cdn = urlcheck.JoomCdn.load()
    upload = cdn.upload_id(url)
    for w in urlwatch.WatchList(home).list():
        same = w.url == url or (upload is not None and cdn.upload_id(w.url) == upload)
        if same and w.last and w.last["verdict"] in urlcheck.STILL_PUBLIC:
            return {"case": w.case, "url": w.url, "verdict": w.last["verdict"],
                    "checked_at": w.last["checked_at"]}
    return None


def assess(home: Path, data: bytes, url: str | None, name: str = "image",
           lang: str = "en") -> dict:
    """The badge for one image: its problems (or "fine") and the details behind each, what
    could not be read said in `lang`."""
    out = {"url": url, "badges": [], "near_duplicate": None, "metadata": None,
           "old_url": None, "unreadable": None}
    if url:
        out["old_url"] = _old_url(home, urlcheck.parse_url(url))
    if HeicHandler.sniff(data[:16]):
        # Inspecting a HEIC means converting it (several times its pixels in memory), for a
        # picture the Panel cannot show.
        out["unreadable"] = {"code": "unsupported_format",
                             "message": i18n.text("imagebadges.heic", lang, file=name)}
    elif data:
        try:
            fp = similar.fingerprint_bytes(data, name)
            report = metadata.inspect_image(data, name)
        except BadInput as e:
            out["unreadable"] = {"code": e.code, "message": e.text(lang)}
        else:
            found = similar.closest(fp, case_images.labelled_references(home))
            if found and found[1].verdict != "different":
                out["near_duplicate"] = {"complained": found[0], **found[1].to_json()}
            if not report.findings.empty():
                out["metadata"] = {"summary": {lang: report.summary(lang)
                                               for lang in ("en", "zh_CN")}}
    else:
        out["unreadable"] = {"code": "not_fetched",
                             "message": i18n.text("imagebadges.not_fetched", lang)}
    out["badges"] = [p for p, key in zip(PROBLEMS, ("near_duplicate", "metadata", "old_url"),
                                         strict=True) if out[key]]
    if not out["badges"] and not out["unreadable"]:
        out["badges"] = ["fine"]
    return out
