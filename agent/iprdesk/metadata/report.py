"""A per-file report: what was found or removed, in plain words, in English and Chinese.

The same report backs `iprdesk strip`, `iprdesk inspect`, `POST /v1/strip` and the upload
guard's toast. `to_dict()` holds the structured findings and ready-made text for both UI
languages, so the extension shows it without knowing anything about metadata.
"""

import re
from dataclasses import dataclass

from iprdesk.metadata.findings import DEVICE_FIELDS, PEOPLE_ROLES, Findings
from iprdesk.metadata.places import nearest_city

LANGUAGES = ("en", "zh_CN")

_T = {
    "en": {
        "gps": "GPS location: {where}", "gps_near": " (near {city})",
        "gps_alt": ", altitude {alt:.0f} m", "gps_other": "GPS data (times, directions)",
        "places": "Place names: {items}", "device": "Device: {items}",
        "serial": "serial number {v}", "lens": "lens {v}", "lens_serial": "lens serial {v}",
        "people": "Names: {items}", "times": "Capture and edit times: {items}",
        "software": "Software: {items}", "comments": "Comments and descriptions: {items}",
        "maker_notes": "Camera maker notes ({size}, can include the serial number)",
        "thumbnail": "Embedded preview image ({size})",
        "thumbnail_unsized": "Embedded preview image",
        "trailing": "Hidden data after the end of the image ({size})",
        "edit_history": "Editing history",
        "blocks_removed": "Blocks removed: {items}", "blocks_found": "Metadata blocks: {items}",
        "kept": "Kept: {items}", "icc": "colour profile (ICC)",
        "orientation": "orientation (as a minimal EXIF tag)",
        "orientation_applied": "orientation (applied to the pixels)",
        "converted": "Converted from HEIC to JPEG as {out}",
        "size": "Size: {before} → {after}",
        "list_sep": ", ", "people_sep": "; ", "role_sep": " ",
        "roles": {"artist": "artist", "creator": "creator", "owner": "owner",
                  "copyright": "copyright", "credit": "credit", "writer": "caption writer"},
        "h_gps_near": "GPS location near {city}", "h_gps": "GPS location {where}",
        "h_gps_other": "GPS data", "h_device": "camera {v}", "h_serial": "camera serial number",
        "h_people": "names ({roles})", "h_times": "capture times", "h_places": "place names",
        "h_software": "software names", "h_comments": "comments",
        "h_thumbnail": "a hidden preview image", "h_trailing": "hidden data",
        "h_other": "other metadata", "h_metadata": "metadata ({blocks})",
        "removed": "Removed {what} from {file}", "contains": "{file} contains {what}",
        "and": " and ", "already_clean": "{file} was already clean",
        "nothing_found": "{file} has no metadata to remove",
        "converted_suffix": " (converted to JPEG)",
        "converted_only": "Converted {file} to JPEG",
        "bytes": "{n} bytes", "block": "{name} ({size})",
    },
    "zh_CN": {
        "gps": "GPS 位置：{where}", "gps_near": "（{city}附近）",
        "gps_alt": "，海拔 {alt:.0f} 米", "gps_other": "GPS 数据（时间、方向）",
        "places": "地名：{items}", "device": "设备：{items}",
        "serial": "序列号 {v}", "lens": "镜头 {v}", "lens_serial": "镜头序列号 {v}",
        "people": "姓名：{items}", "times": "拍摄和编辑时间：{items}",
        "software": "软件：{items}", "comments": "注释和描述：{items}",
        "maker_notes": "相机厂商备注（{size}，可能包含序列号）",
        "thumbnail": "内嵌预览图（{size}）", "thumbnail_unsized": "内嵌预览图",
        "trailing": "图像结尾之后的隐藏数据（{size}）",
        "edit_history": "编辑历史",
        "blocks_removed": "已删除的数据块：{items}", "blocks_found": "元数据块：{items}",
        "kept": "保留：{items}", "icc": "色彩配置文件（ICC）",
        "orientation": "方向（以最小 EXIF 标签保存）",
        "orientation_applied": "方向（已应用到像素）",
        "converted": "已从 HEIC 转换为 JPEG：{out}",
        "size": "大小：{before} → {after}",
        "list_sep": "、", "people_sep": "；", "role_sep": " ",
        "roles": {"artist": "作者", "creator": "创作者", "owner": "所有者",
                  "copyright": "版权", "credit": "署名", "writer": "说明撰写人"},
        "h_gps_near": "GPS 位置（{city}附近）", "h_gps": "GPS 位置（{where}）",
        "h_gps_other": "GPS 数据", "h_device": "相机 {v}", "h_serial": "相机序列号",
        "h_people": "姓名（{roles}）", "h_times": "拍摄时间", "h_places": "地名",
        "h_software": "软件名称", "h_comments": "注释",
        "h_thumbnail": "隐藏的预览图", "h_trailing": "隐藏数据",
        "h_other": "其他元数据", "h_metadata": "元数据（{blocks}）",
        "removed": "已从 {file} 中删除：{what}", "contains": "{file} 含有：{what}",
        "and": "、", "already_clean": "{file} 本来就没有元数据，无需清理",
        "nothing_found": "{file} 没有需要删除的元数据",
        "converted_suffix": "（已转换为 JPEG）",
        "converted_only": "已将 {file} 转换为 JPEG",
        "bytes": "{n} 字节", "block": "{name}（{size}）",
    },
}


def human_size(n: int, lang: str = "en") -> str:
    if n < 1024:
        return _T[lang]["bytes"].format(n=n)
    if n < 1024 * 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n / (1024 * 1024):.1f} MB"


def coordinates(lat: float, lon: float, lang: str) -> str:
    if lang == "zh_CN":
        ns, ew = ("北纬" if lat >= 0 else "南纬"), ("东经" if lon >= 0 else "西经")
        return f"{ns} {abs(lat):.2f}，{ew} {abs(lon):.2f}"
    return f"{abs(lat):.2f} {'N' if lat >= 0 else 'S'} {abs(lon):.2f} {'E' if lon >= 0 else 'W'}"


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
    bytes_before: int
    bytes_after: int | None = None
    output_file: str | None = None
    output_format: str | None = None
    width: int = 0
    height: int = 0
    frames: int = 1
    icc_kept: bool = False
    orientation: int = 1
    orientation_applied: bool = False

    @property
    def converted(self) -> bool:
        return self.output_format not in (None, self.format)

    @property
    def clean(self) -> bool:
        """Nothing to remove (strip: the file was left byte for byte as it was)."""
        return self.findings.empty() and not self.converted

    # -- text ---------------------------------------------------------------------------

    def _highlights(self, lang: str) -> list[str]:
        t, f, items = _T[lang], self.findings, []
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
            shown = t["list_sep"].join(roles[:2]) + ("…" if len(roles) > 2 else "")
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
        t = _T[lang]
        if self.clean:
            return t["already_clean" if self.action == "strip" else "nothing_found"].format(
                file=self.file)
        if self.findings.empty():  # a conversion that found nothing to remove
            return t["converted_only"].format(file=self.file)
        items = self._highlights(lang)
        if not items:
            blocks = t["list_sep"].join(dict.fromkeys(name for name, _ in self.findings.blocks))
            what = t["h_metadata"].format(blocks=blocks)
        elif len(items) <= 2:
            what = t["and"].join(items)
        else:
            what = t["list_sep"].join(items[:2]) + t["and"] + t["h_other"]
        text = t["removed" if self.action == "strip" else "contains"].format(
            what=what, file=self.file)
        return text + (t["converted_suffix"] if self.converted else "")

    def lines(self, lang: str) -> list[str]:
        t, f, out = _T[lang], self.findings, []
        sep = t["list_sep"]
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
            out.append(t["places"].format(items=sep.join(f.places)))
        if f.device:
            parts = [camera_name(f.device)] if ("make" in f.device or "model" in f.device) else []
            parts += [t[key].format(v=f.device[key]) for key in DEVICE_FIELDS[2:]
                      if key in f.device]
            out.append(t["device"].format(items=sep.join(parts)))
        if f.people:
            ordered = sorted(f.people, key=lambda p: PEOPLE_ROLES.index(p[0]))
            out.append(t["people"].format(items=t["people_sep"].join(
                f"{t['roles'][role]}{t['role_sep']}{name}" for role, name in ordered)))
        for group in ("times", "software", "comments"):
            values = getattr(f, group)
            if values:
                out.append(t[group].format(items=sep.join(values)))
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
            blocks = sep.join(t["block"].format(name=name, size=human_size(size, lang))
                              if size else name for name, size in f.blocks)
            key = "blocks_removed" if self.action == "strip" else "blocks_found"
            out.append(t[key].format(items=blocks))
        if self.converted and self.action == "strip":
            out.append(t["converted"].format(out=self.output_file))
        kept = []
        if self.icc_kept:
            kept.append(t["icc"])
        if self.orientation != 1:
            kept.append(t["orientation"])
        if self.orientation_applied:
            kept.append(t["orientation_applied"])
        if kept:
            out.append(t["kept"].format(items=sep.join(kept)))
        if self.action == "strip" and self.bytes_after is not None and not self.clean:
            out.append(t["size"].format(before=human_size(self.bytes_before, lang),
                                        after=human_size(self.bytes_after, lang)))
        return out

    # -- JSON ---------------------------------------------------------------------------

    def to_dict(self) -> dict:
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
            "width": self.width,
            "height": self.height,
            "frames": self.frames,
            "kept": {"icc": self.icc_kept, "orientation": self.orientation,
                     "orientation_applied": self.orientation_applied},
            "removed" if self.action == "strip" else "found": found,
            "text": {lang: {"summary": self.summary(lang), "lines": self.lines(lang)}
                     for lang in LANGUAGES},
        }
