"""Page map additions kept on this computer, merged with shared/pagemap.json when the
shared data is served: pages the seller taught iprdesk (the column labels a Panel page really
shows), and a newer full page map imported from a file. They live in the data directory, so
they survive reinstalling the extension.

Everything here comes from a web page or a file someone handed over: it is checked strictly,
sizes are capped, and a taught page never carries a regular expression. Its URL pattern is
built here from the page's path, with every segment that may be an ID replaced by a wildcard
(`/claims/64f0c1e2/list` -> `/claims/:id/list`), so a pattern can only ever be a plain,
linear one.

The exchange file (`iprdesk pagemap` export/import, the options page):

    {"format": "iprdesk-pagemap-additions", "version": 1,
     "taught": [{"page": "complaint-report", "path": "/claims", "lang": "en",
                 "columns": {"complaintId": "Claim No.", "complainant": "Claimant"}}]}

A full page map (the shape of shared/pagemap.json, with a higher `version` than the one
built in) is imported the same way and replaces the built-in one until iprdesk ships a
newer one.
"""

import json
import re
import secrets
from pathlib import Path

from iprdesk.atomic import atomic_write_bytes
from iprdesk.errors import BadInput, IprdeskError, NotFound, disk_full_means
from iprdesk.text import shared_data
from iprdesk.timeutil import now_iso

FILE = "pagemap-local.json"
FORMAT = "iprdesk-pagemap-additions"
VERSION = 1
MAX_FILE = 256 * 1024
MAX_TAUGHT = 50
MAX_LABEL = 80
MAX_PATH = 300
MAX_SEGMENTS = 12
TAUGHT_ID = re.compile(r"^t-[0-9a-f]{8}$")
# A path segment kept as written: a route name. Anything else may be an ID (a digit in it,
# too long, another character) and matches any segment.
ROUTE_SEGMENT = re.compile(r"^[A-Za-z_-]{1,40}$")
ANY_SEGMENT = ":id"
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")

# A full page map's limits and shape.
MAX_PAGES = 30
MAX_PATTERNS = 10
MAX_PATTERN = 200
MAX_LABELS = 20
PAGE_ID = re.compile(r"^[a-z][a-z0-9-]{0,40}$")
KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,40}$")
# Backtracking explodes with a repeated group (`(a+)+`, `(a|aa)*`), a backreference, or many
# unbounded repeats in a row (`.*.*.*x` is cubic). A URL pattern needs none of these: a group
# may be optional but not repeated, and two unbounded repeats at most (quadratic on a URL).
REPEATED_GROUP = re.compile(r"\)\s*[*+{]")
BACKREFERENCE = re.compile(r"\\[1-9k]")
UNBOUNDED = re.compile(r"(?<!\\)[*+]|\{\d*,\}")
MAX_UNBOUNDED = 2
# Python syntax the extension's JavaScript would not read ((?P<name>, inline flags...).
NOT_JAVASCRIPT = re.compile(r"\(\?(?![:=!])")


class DamagedStore(IprdeskError):
    code = "damaged_pagemap_additions"
    status = 500


def _text(value, what: str, limit: int = MAX_LABEL) -> str:
    if not isinstance(value, str):
        raise BadInput(f"{what} must be a text")
    text = " ".join(CONTROL.sub(" ", value).split())
    if not text:
        raise BadInput(f"{what} is empty")
    if len(text) > limit:
        raise BadInput(f"{what} is longer than {limit} characters")
    return text


def _object(value, what: str, allowed: set[str], required: set[str] = frozenset()) -> dict:
    if not isinstance(value, dict):
        raise BadInput(f"{what} must be a JSON object")
    unknown = sorted(set(value) - allowed)
    if unknown:
        raise BadInput(f"{what} has unknown fields: {', '.join(map(str, unknown))[:200]}")
    missing = sorted(required - set(value))
    if missing:
        raise BadInput(f"{what} lacks {', '.join(missing)}")
    return value


def masked_path(path) -> str:
    """The path of a taught page with its possible IDs replaced: `/claims/:id`."""
    text = _text(path, "The page's path", MAX_PATH)
    if not text.startswith("/"):
        raise BadInput("The page's path must start with /")
    segments = [s for s in text.split("?")[0].split("#")[0].split("/") if s]
    if len(segments) > MAX_SEGMENTS:
        raise BadInput(f"The page's path has more than {MAX_SEGMENTS} parts")
    return "/" + "/".join(s if ROUTE_SEGMENT.match(s) else ANY_SEGMENT for s in segments)


def url_pattern(path: str) -> str:
    """The page map pattern (tested on path + query + hash) of a masked path: linear, since
    it is built only of literal route names and `[^/?#]+`."""
    parts = ["[^/?#]+" if s == ANY_SEGMENT else s for s in path.split("/") if s]
    return "^/" + "/".join(parts) + ("/?" if parts else "") + "(?:[?#]|$)"


def _shipped() -> dict:
    return shared_data.load("pagemap.json")


class Store:
    """The additions of one data directory (`pagemap-local.json`)."""

    def __init__(self, home: Path):
        self.path = Path(home) / FILE

    def _read(self) -> dict:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return {"taught": [], "pagemap": None}
        try:
            data = json.loads(raw)
            pagemap = data["pagemap"]
            if pagemap is not None:
                pagemap = check_pagemap(pagemap)
            taught = [_check_taught(t, self._base(pagemap), stored=True) for t in data["taught"]]
        except (ValueError, KeyError, TypeError, AttributeError, BadInput, RecursionError) as e:
            raise DamagedStore(f"{self.path} is damaged ({e}); remove it to start again") from e
        return {"taught": taught, "pagemap": pagemap}

    def _write(self, data: dict) -> None:
        # Keys in the order taught (not sorted): the options page and the exchange file list
        # a page's columns in the order the seller was asked for them.
        text = json.dumps({"format": FORMAT, "version": VERSION, **data}, indent=2,
                          ensure_ascii=False)
        with disk_full_means("pagemap_not_saved"):
            atomic_write_bytes(self.path, text.encode() + b"\n")

    @staticmethod
    def _base(imported: dict | None) -> dict:
        """The page map taught pages add to: an imported one newer than the one built in."""
        shipped = _shipped()
        if imported and imported["version"] > shipped["version"]:
            return imported
        return shipped

    def listing(self) -> dict:
        data = self._read()
        pagemap = data["pagemap"]
        shipped = _shipped()["version"]
        return {"taught": data["taught"],
                "pagemap": {"built_in": shipped,
                            "imported": pagemap["version"] if pagemap else None,
                            "in_use": self._base(pagemap)["version"]}}

    def teach(self, body) -> dict:
        """Save one taught page (a new one, or in place of the one taught for the same page
        kind and path)."""
        data = self._read()
        entry = _check_taught(body, self._base(data["pagemap"]))
        entry["id"] = "t-" + secrets.token_hex(4)
        entry["taught_at"] = now_iso()
        data["taught"] = _merged([entry], data["taught"])
        self._write(data)
        return entry

    def remove(self, taught_id: str) -> None:
        if not TAUGHT_ID.match(taught_id):
            raise BadInput("A taught page's id is t- and 8 hex digits")
        data = self._read()
        kept = [t for t in data["taught"] if t["id"] != taught_id]
        if len(kept) == len(data["taught"]):
            raise NotFound(f"No taught page {taught_id!r}")
        data["taught"] = kept
        self._write(data)

    def remove_imported_pagemap(self) -> None:
        data = self._read()
        if data["pagemap"] is None:
            raise NotFound("No page map was imported")
        data["pagemap"] = None
        self._write(data)

    def export(self) -> dict:
        keep = ("page", "path", "lang", "columns")
        return {"format": FORMAT, "version": VERSION,
                "taught": [{k: t[k] for k in keep} for t in self._read()["taught"]]}

    def import_file(self, value) -> dict:
        """An exchange file's taught pages (added, replacing those taught for the same page
        and path), or a full page map newer than the one in use."""
        data = self._read()
        if isinstance(value, dict) and "pages" in value and "format" not in value:
            pagemap = check_pagemap(value)
            in_use = self._base(data["pagemap"])["version"]
            if pagemap["version"] <= in_use:
                raise BadInput(f"This page map (version {pagemap['version']}) is not newer "
                               f"than the one in use (version {in_use})", code="not_newer")
            data["pagemap"] = pagemap
            # Taught pages of kinds the new map no longer has could not be merged: dropped.
            data["taught"] = [t for t in data["taught"] if t["page"] in pagemap["pages"]]
            self._write(data)
            return {"added": 0, "imported": pagemap["version"]}
        file = _object(value, "The file", {"format", "version", "taught"},
                       {"format", "version", "taught"})
        if file["format"] != FORMAT or file["version"] != VERSION:
            raise BadInput(f"Not an iprdesk page map file ({FORMAT} version {VERSION})",
                           code="unknown_format")
        if not isinstance(file["taught"], list) or len(file["taught"]) > MAX_TAUGHT:
            raise BadInput(f"`taught` must be a list of at most {MAX_TAUGHT} pages")
        base = self._base(data["pagemap"])
        now = now_iso()
        added = [{**_check_taught(t, base), "id": "t-" + secrets.token_hex(4), "taught_at": now}
                 for t in file["taught"]]
        data["taught"] = _merged(added, data["taught"])
        self._write(data)
        return {"added": len(added), "imported": None}

    def merged_pagemap(self) -> dict:
        """The page map the extension uses: taught pages first (each a copy of the entry it
        teaches, found by its own path alone, with the labels it was taught), then the
        built-in or imported map."""
        data = self._read()
        base = self._base(data["pagemap"])
        pages = {}
        for t in data["taught"]:
            page = base["pages"][t["page"]]
            pages[t["id"]] = {**page, "module": t["page"], "taught": True,
                              "urlPatterns": [url_pattern(t["path"])], "headings": {},
                              "columns": _taught_columns(page["columns"], t)}
        pages.update(base["pages"])
        return {**base, "pages": pages}


def _merged(new: list[dict], old: list[dict]) -> list[dict]:
    """`new` first, then those of `old` not taught again for the same page and path."""
    replaced = {(t["page"], t["path"]) for t in new}
    merged = new + [t for t in old if (t["page"], t["path"]) not in replaced]
    if len(merged) > MAX_TAUGHT:
        raise BadInput(f"At most {MAX_TAUGHT} taught pages are kept; remove some first")
    return merged


def _taught_columns(columns: dict, taught: dict) -> dict:
    """The taught labels in place of the map's own for the taught keys; the map's labels of
    the other keys, less any that is now another column's label."""
    taken = {label.lower() for label in taught["columns"].values()}
    merged = {key: {taught["lang"]: [label]} for key, label in taught["columns"].items()}
    for key, by_lang in columns.items():
        if key not in merged:
            merged[key] = {lang: [x for x in labels if x.lower() not in taken]
                           for lang, labels in by_lang.items()}
    return merged


def _check_taught(value, base: dict, stored: bool = False) -> dict:
    fields = {"page", "path", "lang", "columns"}
    if stored:
        fields |= {"id", "taught_at"}
    entry = _object(value, "A taught page", fields, fields)
    teachable = {k for k, p in base["pages"].items() if p.get("columns")}
    page = entry["page"]
    if page not in teachable:
        raise BadInput(f"A taught page must be one of {', '.join(sorted(teachable))}")
    if entry["lang"] not in shared_data.LANGUAGES:
        raise BadInput(f"`lang` must be one of {', '.join(shared_data.LANGUAGES)}")
    known = base["pages"][page]["columns"]
    columns = entry["columns"]
    if not isinstance(columns, dict) or not columns:
        raise BadInput("`columns` must name at least one column")
    checked, seen = {}, set()
    for key, label in columns.items():
        if key not in known:
            raise BadInput(f"{page} has no column {str(key)[:40]!r}")
        label = _text(label, f"The label of {key}")
        if label.lower() in seen:
            raise BadInput(f"Two columns cannot both be {label!r}")
        seen.add(label.lower())
        checked[key] = label
    result = {"page": page, "path": masked_path(entry["path"]), "lang": entry["lang"],
              "columns": checked}
    if stored:
        if not isinstance(entry["id"], str) or not TAUGHT_ID.match(entry["id"]):
            raise BadInput("bad id")
        result["id"] = entry["id"]
        result["taught_at"] = _text(entry["taught_at"], "taught_at")
    return result


# -- a full page map -------------------------------------------------------------------------

def _labels(value, what: str) -> dict:
    by_lang = _object(value, what, set(shared_data.LANGUAGES))
    for lang, labels in by_lang.items():
        if not isinstance(labels, list) or len(labels) > MAX_LABELS:
            raise BadInput(f"{what} ({lang}) must be a list of at most {MAX_LABELS} texts")
        by_lang[lang] = [_text(x, what) for x in labels]
    return by_lang


def _keyed(value, what: str, check) -> dict:
    if not isinstance(value, dict) or len(value) > MAX_LABELS:
        raise BadInput(f"{what} must be an object of at most {MAX_LABELS} entries")
    for key in value:
        if not KEY.match(str(key)):
            raise BadInput(f"{what}: {str(key)[:40]!r} is not a valid key")
    return {key: check(v, f"{what} {key}") for key, v in value.items()}


def check_pattern(pattern) -> str:
    """A URL pattern of a page map: short, valid, and not one that can backtrack for ever."""
    if not isinstance(pattern, str) or not pattern or len(pattern) > MAX_PATTERN:
        raise BadInput(f"A URL pattern must be a text of 1 to {MAX_PATTERN} characters")
    if (REPEATED_GROUP.search(pattern) or BACKREFERENCE.search(pattern)
            or len(UNBOUNDED.findall(pattern)) > MAX_UNBOUNDED):
        raise BadInput(f"The URL pattern {pattern!r} repeats a group, refers back or has more "
                       f"than {MAX_UNBOUNDED} unbounded repeats: refused (it could hang the page)")
    if NOT_JAVASCRIPT.search(pattern):
        raise BadInput(f"The URL pattern {pattern!r} uses a group kind the extension cannot read")
    try:
        re.compile(pattern)
    except re.error as e:
        raise BadInput(f"The URL pattern {pattern!r} is not valid: {e}") from None
    return pattern


def _page(value, what: str) -> dict:
    page = _object(value, what, {"urlPatterns", "headings", "columns", "values", "banners",
                                 "productEditPath", "storeIdLabels"}, {"urlPatterns"})
    patterns = page["urlPatterns"]
    if not isinstance(patterns, list) or not 1 <= len(patterns) <= MAX_PATTERNS:
        raise BadInput(f"{what}: urlPatterns must list 1 to {MAX_PATTERNS} patterns")
    page["urlPatterns"] = [check_pattern(p) for p in patterns]
    page["headings"] = _labels(page.get("headings", {}), f"{what} headings")
    page["columns"] = _keyed(page.get("columns", {}), f"{what} columns", _labels)
    if "values" in page:
        page["values"] = _keyed(page["values"], f"{what} values",
                                lambda v, w: _keyed(v, w, _labels))
    if "storeIdLabels" in page:
        page["storeIdLabels"] = _labels(page["storeIdLabels"], f"{what} storeIdLabels")
    if "productEditPath" in page:
        path = _text(page["productEditPath"], f"{what} productEditPath", MAX_PATH)
        if not path.startswith("/") or "{id}" not in path or "//" in path:
            raise BadInput(f"{what} productEditPath must be a path with {{id}}")
        page["productEditPath"] = path
    if "banners" in page:
        banners = page["banners"]
        if not isinstance(banners, list) or len(banners) > MAX_LABELS:
            raise BadInput(f"{what} banners must be a list of at most {MAX_LABELS}")
        page["banners"] = [_banner(b) for b in banners]
    return page


def _banner(value) -> dict:
    banner = _object(value, "A banner", {"kind", "phrases"}, {"kind", "phrases"})
    return {"kind": _text(banner["kind"], "A banner's kind"),
            "phrases": _labels(banner["phrases"], "A banner's phrases")}


def check_pagemap(value) -> dict:
    """A full page map (shape of shared/pagemap.json), checked field by field."""
    pagemap = _object(value, "The page map", {"version", "comment", "origin", "pages"},
                      {"version", "origin", "pages"})
    version = pagemap["version"]
    if not isinstance(version, int) or isinstance(version, bool) or not 0 < version < 10**6:
        raise BadInput("The page map's version must be a positive whole number")
    if pagemap["origin"] != _shipped()["origin"]:
        raise BadInput(f"The page map must be for {_shipped()['origin']}")
    pages = pagemap["pages"]
    if not isinstance(pages, dict) or not 0 < len(pages) <= MAX_PAGES:
        raise BadInput(f"The page map must have 1 to {MAX_PAGES} pages")
    for page_id in pages:
        if not PAGE_ID.match(str(page_id)):
            raise BadInput(f"{str(page_id)[:40]!r} is not a valid page id")
    checked = {"version": version, "origin": pagemap["origin"],
               "pages": {pid: _page(p, f"Page {pid}") for pid, p in pages.items()}}
    if "comment" in pagemap:
        checked["comment"] = _text(pagemap["comment"], "The page map's comment", 2000)
    return checked


def parse_file(raw: bytes) -> dict:
    """An uploaded page map file: JSON, capped, not nested past what a page map needs."""
    if len(raw) > MAX_FILE:
        raise BadInput(f"The file is larger than {MAX_FILE // 1024} KiB", code="too_large",
                       status=413)
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError) as e:
        raise BadInput(f"The file is not valid JSON: {str(e)[:200]}") from None
