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
from iprdesk.text.i18n import Message
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


# What a check names (`what`): a Message `pagemap.what.*`, in the reader's language; a part
# of it is `_part(what, "columns")` (the file's own field names stay as they are written).

def _what(name: str, /, **params) -> Message:
    return Message(f"pagemap.what.{name}", params)


def _part(what: Message, part) -> Message:
    return Message("pagemap.what.part", {"what": what, "part": str(part)[:40]})


def _text(value, what: Message, limit: int = MAX_LABEL) -> str:
    if not isinstance(value, str):
        raise BadInput(key="error.pagemap.not_text", params={"what": what})
    text = " ".join(CONTROL.sub(" ", value).split())
    if not text:
        raise BadInput(key="error.pagemap.empty", params={"what": what})
    if len(text) > limit:
        raise BadInput(key="error.pagemap.too_long", params={"what": what, "limit": limit})
    return text


def _object(value, what: Message, allowed: set[str], required: set[str] = frozenset()) -> dict:
    if not isinstance(value, dict):
        raise BadInput(key="error.pagemap.not_object", params={"what": what})
    unknown = sorted(map(str, set(value) - allowed))
    if unknown:
        raise BadInput(key="error.pagemap.unknown_fields",
                       params={"what": what, "fields": [u[:40] for u in unknown[:10]]})
    missing = sorted(required - set(value))
    if missing:
        raise BadInput(key="error.pagemap.lacks", params={"what": what, "fields": missing})
    return value


def masked_path(path) -> str:
    """The path of a taught page with its possible IDs replaced: `/claims/:id`."""
    text = _text(path, _what("path"), MAX_PATH)
    if not text.startswith("/"):
        raise BadInput(key="error.pagemap.path_slash")
    segments = [s for s in text.split("?")[0].split("#")[0].split("/") if s]
    if len(segments) > MAX_SEGMENTS:
        raise BadInput(key="error.pagemap.path_parts", params={"max": MAX_SEGMENTS})
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
            why = Message(e.key, e.params) if isinstance(e, IprdeskError) and e.key else str(e)
            raise DamagedStore(key="error.pagemap.damaged",
                               params={"path": str(self.path), "e": why}) from e
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
            raise BadInput(key="error.pagemap.taught_id")
        data = self._read()
        kept = [t for t in data["taught"] if t["id"] != taught_id]
        if len(kept) == len(data["taught"]):
            raise NotFound(key="error.pagemap.no_taught", params={"id": taught_id})
        data["taught"] = kept
        self._write(data)

    def remove_imported_pagemap(self) -> None:
        data = self._read()
        if data["pagemap"] is None:
            raise NotFound(key="error.pagemap.none_imported")
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
                raise BadInput(key="error.pagemap.not_newer", code="not_newer",
                               params={"version": pagemap["version"], "in_use": in_use})
            data["pagemap"] = pagemap
            # Taught pages of kinds the new map no longer has could not be merged: dropped.
            data["taught"] = [t for t in data["taught"] if t["page"] in pagemap["pages"]]
            self._write(data)
            return {"added": 0, "imported": pagemap["version"]}
        file = _object(value, _what("file"), {"format", "version", "taught"},
                       {"format", "version", "taught"})
        if file["format"] != FORMAT or file["version"] != VERSION:
            raise BadInput(key="error.pagemap.unknown_format", code="unknown_format",
                           params={"format": FORMAT, "version": VERSION})
        if not isinstance(file["taught"], list) or len(file["taught"]) > MAX_TAUGHT:
            raise BadInput(key="error.pagemap.taught_list", params={"max": MAX_TAUGHT})
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
        raise BadInput(key="error.pagemap.too_many_taught", params={"max": MAX_TAUGHT})
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
    entry = _object(value, _what("taught"), fields, fields)
    teachable = {k for k, p in base["pages"].items() if p.get("columns")}
    page = entry["page"]
    if page not in teachable:
        raise BadInput(key="error.pagemap.page_kind", params={"pages": sorted(teachable)})
    if entry["lang"] not in shared_data.LANGUAGES:
        raise BadInput(key="error.pagemap.lang", params={"langs": list(shared_data.LANGUAGES)})
    known = base["pages"][page]["columns"]
    columns = entry["columns"]
    if not isinstance(columns, dict) or not columns:
        raise BadInput(key="error.pagemap.no_columns")
    checked, seen = {}, set()
    for key, label in columns.items():
        if key not in known:
            raise BadInput(key="error.pagemap.no_column",
                           params={"page": page, "key": str(key)[:40]})
        label = _text(label, _what("label", key=key))
        if label.lower() in seen:
            raise BadInput(key="error.pagemap.same_label", params={"label": label})
        seen.add(label.lower())
        checked[key] = label
    result = {"page": page, "path": masked_path(entry["path"]), "lang": entry["lang"],
              "columns": checked}
    if stored:
        if not isinstance(entry["id"], str) or not TAUGHT_ID.match(entry["id"]):
            raise BadInput(key="error.pagemap.taught_id")
        result["id"] = entry["id"]
        result["taught_at"] = _text(entry["taught_at"], _what("taught_at"))
    return result


# -- a full page map -------------------------------------------------------------------------

def _labels(value, what: Message) -> dict:
    by_lang = _object(value, what, set(shared_data.LANGUAGES))
    for lang, labels in by_lang.items():
        if not isinstance(labels, list) or len(labels) > MAX_LABELS:
            raise BadInput(key="error.pagemap.labels_list",
                           params={"what": _what("in_language", what=what, lang=lang),
                                   "max": MAX_LABELS})
        by_lang[lang] = [_text(x, what) for x in labels]
    return by_lang


def _keyed(value, what: Message, check) -> dict:
    if not isinstance(value, dict) or len(value) > MAX_LABELS:
        raise BadInput(key="error.pagemap.keyed_object", params={"what": what, "max": MAX_LABELS})
    for key in value:
        if not KEY.match(str(key)):
            raise BadInput(key="error.pagemap.bad_key", params={"what": what, "key": str(key)[:40]})
    return {key: check(v, _part(what, key)) for key, v in value.items()}


def check_pattern(pattern) -> str:
    """A URL pattern of a page map: short, valid, and not one that can backtrack for ever."""
    if not isinstance(pattern, str) or not pattern or len(pattern) > MAX_PATTERN:
        raise BadInput(key="error.pagemap.pattern_length", params={"max": MAX_PATTERN})
    if (REPEATED_GROUP.search(pattern) or BACKREFERENCE.search(pattern)
            or len(UNBOUNDED.findall(pattern)) > MAX_UNBOUNDED):
        raise BadInput(key="error.pagemap.pattern_backtracks",
                       params={"pattern": pattern, "max": MAX_UNBOUNDED})
    if NOT_JAVASCRIPT.search(pattern):
        raise BadInput(key="error.pagemap.pattern_group", params={"pattern": pattern})
    try:
        re.compile(pattern)
    except re.error as e:
        raise BadInput(key="error.pagemap.pattern_invalid",
                       params={"pattern": pattern, "e": str(e)}) from None
    return pattern


def _page(value, what: Message) -> dict:
    page = _object(value, what, {"urlPatterns", "headings", "columns", "values", "banners",
                                 "productEditPath", "storeIdLabels"}, {"urlPatterns"})
    patterns = page["urlPatterns"]
    if not isinstance(patterns, list) or not 1 <= len(patterns) <= MAX_PATTERNS:
        raise BadInput(key="error.pagemap.patterns_count",
                       params={"what": _part(what, "urlPatterns"), "max": MAX_PATTERNS})
    page["urlPatterns"] = [check_pattern(p) for p in patterns]
    page["headings"] = _labels(page.get("headings", {}), _part(what, "headings"))
    page["columns"] = _keyed(page.get("columns", {}), _part(what, "columns"), _labels)
    if "values" in page:
        page["values"] = _keyed(page["values"], _part(what, "values"),
                                lambda v, w: _keyed(v, w, _labels))
    if "storeIdLabels" in page:
        page["storeIdLabels"] = _labels(page["storeIdLabels"], _part(what, "storeIdLabels"))
    if "productEditPath" in page:
        path = _text(page["productEditPath"], _part(what, "productEditPath"), MAX_PATH)
        if not path.startswith("/") or "{id}" not in path or "//" in path:
            raise BadInput(key="error.pagemap.edit_path",
                           params={"what": _part(what, "productEditPath")})
        page["productEditPath"] = path
    if "banners" in page:
        banners = page["banners"]
        if not isinstance(banners, list) or len(banners) > MAX_LABELS:
            raise BadInput(key="error.pagemap.banners_list",
                           params={"what": _part(what, "banners"), "max": MAX_LABELS})
        page["banners"] = [_banner(b) for b in banners]
    return page


def _banner(value) -> dict:
    banner = _object(value, _what("banner"), {"kind", "phrases"}, {"kind", "phrases"})
    return {"kind": _text(banner["kind"], _part(_what("banner"), "kind")),
            "phrases": _labels(banner["phrases"], _part(_what("banner"), "phrases"))}


def check_pagemap(value) -> dict:
    """A full page map (shape of shared/pagemap.json), checked field by field."""
    pagemap = _object(value, _what("pagemap"), {"version", "comment", "origin", "pages"},
                      {"version", "origin", "pages"})
    version = pagemap["version"]
    if not isinstance(version, int) or isinstance(version, bool) or not 0 < version < 10**6:
        raise BadInput(key="error.pagemap.version")
    if pagemap["origin"] != _shipped()["origin"]:
        raise BadInput(key="error.pagemap.origin", params={"origin": _shipped()["origin"]})
    pages = pagemap["pages"]
    if not isinstance(pages, dict) or not 0 < len(pages) <= MAX_PAGES:
        raise BadInput(key="error.pagemap.pages_count", params={"max": MAX_PAGES})
    for page_id in pages:
        if not PAGE_ID.match(str(page_id)):
            raise BadInput(key="error.pagemap.page_id", params={"id": str(page_id)[:40]})
    checked = {"version": version, "origin": pagemap["origin"],
               "pages": {pid: _page(p, _what("page", page=pid)) for pid, p in pages.items()}}
    if "comment" in pagemap:
        checked["comment"] = _text(pagemap["comment"], _part(_what("pagemap"), "comment"), 2000)
    return checked


def parse_file(raw: bytes) -> dict:
    """An uploaded page map file: JSON, capped, not nested past what a page map needs."""
    if len(raw) > MAX_FILE:
        raise BadInput(key="error.pagemap.file_too_large", params={"kib": MAX_FILE // 1024},
                       code="too_large", status=413)
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError) as e:
        raise BadInput(key="error.pagemap.not_json", params={"e": str(e)[:200]}) from None
