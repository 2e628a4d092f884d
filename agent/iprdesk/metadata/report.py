"""A per-file report: what was found or removed, in plain words, in English and Chinese.

The same report backs `iprdesk strip`, `iprdesk inspect`, `POST /v1/strip` and the upload
guard's toast. `to_dict()` holds the structured findings and ready-made text for both UI
languages, so the extension shows it without knowing anything about metadata.
"""

import functools
import re
from dataclasses import dataclass

from iprdesk.metadata.base import Picture
from iprdesk.metadata.findings import DEVICE_FIELDS, PEOPLE_ROLES, Findings
from iprdesk.metadata.places import nearest_city
from iprdesk.text import i18n, shared_data

LANGUAGES = shared_data.LANGUAGES


@functools.cache
def _table(lang: str) -> dict:
    """This report's words in one language, from shared/messages (read when a report is first
    shown in it: the CLI shows one language)."""
    messages = shared_data.load(f"messages/{lang}.json")
    table = {k.removeprefix(_PREFIX): v for k, v in messages.items() if k.startswith(_PREFIX)}
    table["roles"] = {k.removeprefix(_ROLE_PREFIX): v for k, v in messages.items()
                      if k.startswith(_ROLE_PREFIX)}
    return table


_PREFIX = "strip.report."
_ROLE_PREFIX = "strip.report.role."


def human_size(n: int, lang: str = "en") -> str:
    if n < 1024:
        return i18n.fill(_table(lang)["bytes"], n=n)
    if n < 1024 * 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n / (1024 * 1024):.1f} MB"


def coordinates(lat: float, lon: float, lang: str) -> str:
    t = _table(lang)
    return i18n.fill(t["coordinates"], lat=f"{abs(lat):.2f}", lon=f"{abs(lon):.2f}",
                     ns=t["north" if lat >= 0 else "south"], ew=t["east" if lon >= 0 else "west"])


_CORPORATE = re.compile(r"\b(corporation|corp\.?|company|co\.?,?|ltd\.?|inc\.?|electric|"
                        r"imaging|optical|digital|camera)(?=\W|$)", re.I)


def camera_name(device: dict) -> str:
    """"iPhone 14 Pro" (not "Apple iPhone 14 Pro"), "Canon EOS R5", "Nikon D70"."""
    make, model = device.get("make", ""), device.get("model", "")
    brand = " ".join(_CORPORATE.sub(" ", make).replace(",", " ").split())
    if not model:
        return brand or make
    words = [w.lower() for w in brand.split() if len(w) > 2]
    if not brand or brand.lower() == "apple" or any(w in model.lower() for w in words):
        return model
    if brand.isupper() and len(brand) > 3:
        brand = brand.title()
    return f"{brand} {model}"


@dataclass
class Report:
    file: str
    action: str  # "strip" or "inspect"
    format: str
    findings: Findings
    picture: Picture
    bytes_before: int
    bytes_after: int | None = None
    output_file: str | None = None
    output_format: str | None = None

    @property
    def converted(self) -> bool:
        """Stripping wrote another format (HEIC to JPEG); inspecting converts nothing."""
        return self.action == "strip" and self.output_format not in (None, self.format)

    @property
    def clean(self) -> bool:
        """Nothing to remove (strip: the file was left byte for byte as it was)."""
        return self.findings.empty() and not self.converted

    # -- text ---------------------------------------------------------------------------

    def _highlights(self, lang: str) -> list[str]:
        t, f, items = _table(lang), self.findings, []
        if f.gps:
            city = nearest_city(f.gps["lat"], f.gps["lon"])
            items.append(t["h_gps_near"].format(city=city[lang]) if city else
                         t["h_gps"].format(where=coordinates(f.gps["lat"], f.gps["lon"], lang)))
        elif f.gps_other:
            items.append(t["h_gps_other"])
        if f.device.get("make") or f.device.get("model"):
            items.append(t["h_device"].format(v=camera_name(f.device)))
        elif f.device.get("serial"):
            items.append(t["h_serial"])
        if f.people:
            roles = list(dict.fromkeys(t["roles"][role] for role, _ in f.people))
            shown = i18n.joined(roles[:2], lang) + ("…" if len(roles) > 2 else "")
            items.append(t["h_people"].format(roles=shown))
        for group in ("times", "places", "software", "comments"):
            if getattr(f, group):
                items.append(t[f"h_{group}"])
        if f.thumbnail or f.thumbnail_bytes:
            items.append(t["h_thumbnail"])
        if f.trailing_bytes:
            items.append(t["h_trailing"])
        return items

    def summary(self, lang: str) -> str:
        t = _table(lang)
        if self.clean:
            return t["already_clean" if self.action == "strip" else "nothing_found"].format(
                file=self.file)
        if self.findings.empty():  # a conversion that found nothing to remove
            return t["converted_only"].format(file=self.file)
        items = self._highlights(lang)
        if not items:
            blocks = i18n.joined(dict.fromkeys(name for name, _ in self.findings.blocks), lang)
            what = t["h_metadata"].format(blocks=blocks)
        elif len(items) <= 2:
            what = t["and"].join(items)
        else:
            what = i18n.joined(items[:2], lang) + t["and"] + t["h_other"]
        text = t["removed" if self.action == "strip" else "contains"].format(
            what=what, file=self.file)
        return text + (t["converted_suffix"] if self.converted else "")

    def lines(self, lang: str) -> list[str]:
        t, f, out = _table(lang), self.findings, []
        if f.gps:
            where = coordinates(f.gps["lat"], f.gps["lon"], lang)
            city = nearest_city(f.gps["lat"], f.gps["lon"])
            if city:
                where += t["gps_near"].format(city=city[lang])
            if f.gps["alt"] is not None:
                where += t["gps_alt"].format(alt=f.gps["alt"])
            out.append(t["gps"].format(where=where))
        elif f.gps_other:
            out.append(t["gps_other"])
        if f.places:
            out.append(t["places"].format(items=i18n.joined(f.places, lang)))
        if f.device:
            parts = [camera_name(f.device)] if ("make" in f.device or "model" in f.device) else []
            parts += [t[key].format(v=f.device[key]) for key in DEVICE_FIELDS[2:]
                      if key in f.device]
            out.append(t["device"].format(items=i18n.joined(parts, lang)))
        if f.people:
            ordered = sorted(f.people, key=lambda p: PEOPLE_ROLES.index(p[0]))
            out.append(t["people"].format(items=t["people_sep"].join(
                f"{t['roles'][role]} {name}" for role, name in ordered)))
        for group in ("times", "software", "comments"):
            values = getattr(f, group)
            if values:
                out.append(t[group].format(items=i18n.joined(values, lang)))
        if f.maker_notes_bytes:
            out.append(t["maker_notes"].format(size=human_size(f.maker_notes_bytes, lang)))
        if f.thumbnail_bytes:
            out.append(t["thumbnail"].format(size=human_size(f.thumbnail_bytes, lang)))
        elif f.thumbnail:
            out.append(t["thumbnail_unsized"])
        if f.trailing_bytes:
            out.append(t["trailing"].format(size=human_size(f.trailing_bytes, lang)))
        if f.edit_history:
            out.append(t["edit_history"])
        if f.blocks:
            blocks = i18n.joined((t["block"].format(name=name, size=human_size(size, lang))
                                  if size else name for name, size in f.blocks), lang)
            key = "blocks_removed" if self.action == "strip" else "blocks_found"
            out.append(t[key].format(items=blocks))
        if self.converted:
            out.append(t["converted"].format(out=self.output_file))
        kept, picture = [], self.picture
        if picture.icc_kept:
            kept.append(t["icc"])
        if picture.orientation != 1:
            kept.append(t["orientation"])
        if picture.orientation_applied:
            kept.append(t["orientation_applied"])
        if kept:
            out.append(t["kept"].format(items=i18n.joined(kept, lang)))
        if self.action == "strip" and self.bytes_after is not None and not self.clean:
            out.append(t["size"].format(before=human_size(self.bytes_before, lang),
                                        after=human_size(self.bytes_after, lang)))
        return out

    # -- JSON ---------------------------------------------------------------------------

    def to_dict(self, languages=LANGUAGES) -> dict:
        """The report as JSON, its text in `languages` (each UI language unless fewer are
        asked: the CLI prints one)."""
        f = self.findings
        found = {
            "gps": f.gps, "gps_other": f.gps_other, "places": f.places, "device": f.device,
            "people": [{"role": role, "name": name} for role, name in f.people],
            "times": f.times, "software": f.software, "comments": f.comments,
            "maker_notes_bytes": f.maker_notes_bytes,
            "thumbnail": f.thumbnail or bool(f.thumbnail_bytes),
            "thumbnail_bytes": f.thumbnail_bytes,
            "trailing_bytes": f.trailing_bytes, "edit_history": f.edit_history,
            "blocks": [{"name": name, "bytes": size} for name, size in f.blocks],
        }
        return {
            "file": self.file,
            "action": self.action,
            "format": self.format,
            "clean": self.clean,
            "output_file": self.output_file,
            "output_format": self.output_format or self.format,
            "bytes_before": self.bytes_before,
            "bytes_after": self.bytes_after,
            "width": self.picture.width,
            "height": self.picture.height,
            "frames": self.picture.frames,
            "kept": {"icc": self.picture.icc_kept, "orientation": self.picture.orientation,
                     "orientation_applied": self.picture.orientation_applied},
            "removed" if self.action == "strip" else "found": found,
            "text": {lang: {"summary": self.summary(lang), "lines": self.lines(lang)}
                     for lang in languages},
        }
