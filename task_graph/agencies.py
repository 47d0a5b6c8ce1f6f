"""Agency identity across documents.

A name as written ("Sở Công Thương", "Sở NN-PTNT", "UBND các huyện, thành phố") is resolved
against the jurisdiction of the document that names it (taken from its issuing body) into an
`AgencyRef`: a stable identity `key`, a display name, a kind (agency or group) and a level.
"Sở Công Thương" in a Hòa Bình plan becomes `so cong thuong|tinh:hoa binh`, displayed
"Sở Công Thương tỉnh Hòa Bình". The rules' data (levels, groups, titles) is in
models/task_graph.yaml; all folding goes through task_graph.text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ocop_docs.extract.agencies import agency_of_title
from task_graph.text import data, expand_abbreviations, fold, name_key

UNIT_DISPLAY = {"tinh": "tỉnh", "huyen": "huyện", "thi xa": "thị xã", "quan": "quận",
                "thanh pho": "thành phố", "xa": "xã", "phuong": "phường", "thi tran": "thị trấn",
                "thanh pho truc thuoc trung uong": "thành phố"}
GOVERNMENT_BASES = ("uy ban nhan dan", "hoi dong nhan dan", "")


@dataclass(frozen=True)
class Jurisdiction:
    """Where a document's issuing body sits. Names are display names ("Hòa Bình")."""
    province: str | None = None
    district: str | None = None
    district_unit: str = "huyện"       # huyện, thị xã, thành phố, quận
    commune: str | None = None
    commune_unit: str = "xã"

    def province_scope(self) -> tuple[str, str] | None:
        """(key, display) of the province, or a stand-in naming the district when unknown."""
        if self.province:
            return f"tinh:{fold(self.province)}", f"tỉnh {self.province}"
        if self.district:
            return (f"tinh-of:{fold(self.district)}",
                    f"(tỉnh của {self.district_unit} {self.district})")
        return None

    def district_scope(self) -> tuple[str, str] | None:
        if self.district:
            return f"huyen:{fold(self.district)}", f"{self.district_unit} {self.district}"
        return None

    def commune_scope(self) -> tuple[str, str] | None:
        if self.commune:
            parent = f"/huyen:{fold(self.district)}" if self.district else ""
            return f"xa:{fold(self.commune)}{parent}", f"{self.commune_unit} {self.commune}"
        return None

    def narrowest(self) -> tuple[str, str] | None:
        return self.commune_scope() or self.district_scope() or self.province_scope()


@dataclass(frozen=True)
class AgencyRef:
    key: str                 # identity: "<base key>|<scope key>"
    name: str                # display name
    kind: str                # "agency" or "group"
    level: str | None        # central, province, district, commune (None: unknown)
    base_key: str            # folded base name without jurisdiction ("so cong thuong")
    scope_key: str           # "tinh:hoa binh", "huyen:vinh cuu", "" for central bodies
    province: str | None = None
    district: str | None = None


# ----------------------------------------------------------------------------- parsing names

def _unit_table() -> list[tuple[list[str], str, str]]:
    units = data()["units"]
    rows = [(k.split(), k, level) for k, level in units.items()]
    return sorted(rows, key=lambda r: -len(r[0]))


def split_unit(name: str) -> tuple[str, str | None, str | None, str | None]:
    """Split a trailing administrative unit off a name.

    Returns (base, unit_key, unit_level, place): "Ủy ban nhân dân huyện Vĩnh Cửu" ->
    ("Ủy ban nhân dân", "huyen", "district", "Vĩnh Cửu"); "Phòng Kinh tế huyện" ->
    ("Phòng Kinh tế", "huyen", "district", None); "Sở Y tế" -> ("Sở Y tế", None, None, None).
    """
    tokens = name.replace(",", " , ").split()
    i = len(tokens)
    while i > 0 and tokens[i - 1][:1].isupper():
        i -= 1
    place_tokens = tokens[i:]
    head = tokens[:i]
    folded_head = [fold(t) for t in head]
    for words, key, level in _unit_table():
        n = len(words)
        if n <= len(head) and folded_head[len(head) - n:] == words:
            if len(head) > n and folded_head[len(head) - n - 1] == "cap":
                continue                          # "cấp tỉnh", "cấp huyện": a level, not a unit
            base = " ".join(head[:len(head) - n]).replace(" , ", ", ").strip(" ,")
            place = " ".join(place_tokens) or None
            if place is None or len(head) > n or fold(base) in GOVERNMENT_BASES:
                return base, key, level, place
    return name, None, None, None


def parse_jurisdiction(issuer: str | None, parent_issuer: str | None = None,
                       place: str | None = None) -> Jurisdiction:
    """The jurisdiction of an issuing body: "Ủy ban nhân dân tỉnh Hòa Bình" -> province Hòa
    Bình; "Ủy ban nhân dân huyện Vĩnh Cửu" -> district Vĩnh Cửu (province from the parent
    body when given); a Sở with no unit -> the province named as the place of issue."""
    j = Jurisdiction()
    for text in (parent_issuer, issuer):
        if not text:
            continue
        for part in expand_abbreviations(text).split(","):
            _base, unit, level, where = split_unit(part.strip())
            if not where:
                continue
            if unit == "thanh pho" and fold(where) in data()["central_cities"]:
                level = "province"
            if level == "province":
                j = replace(j, province=where)
            elif level == "district":
                j = replace(j, district=where, district_unit=UNIT_DISPLAY.get(unit, "huyện"))
            elif level == "commune":
                j = replace(j, commune=where, commune_unit=UNIT_DISPLAY.get(unit, "xã"))
    if issuer and not (j.province or j.district or j.commune) and place:
        if level_of(fold(expand_abbreviations(issuer))) == "province":
            j = replace(j, province=place)
    return j


def _prefix_match(folded: str, prefix: str) -> bool:
    return folded == prefix or folded.startswith(prefix + " ")


def level_of(folded_base: str) -> str | None:
    best: tuple[int, str | None] = (0, None)
    for level, prefixes in data()["agency_levels"].items():
        for p in prefixes:
            if _prefix_match(folded_base, p) and len(p) > best[0]:
                best = (len(p), level)
    return best[1]


def group_rule(folded: str) -> dict | None:
    best = None
    for rule in data()["groups"]:
        if _prefix_match(folded, rule["prefix"]):
            if best is None or len(rule["prefix"]) > len(best["prefix"]):
                best = rule
    return best


# ----------------------------------------------------------------------------- resolution

_DOUBLED_LEVEL = re.compile(r"\s+(huyện|tỉnh|xã)\s+cấp\s+\1$", re.IGNORECASE)


def resolve(name: str, ctx: Jurisdiction) -> AgencyRef:
    """The identity of agency `name` as written in a document issued in `ctx`."""
    expanded = agency_of_title(" ".join(expand_abbreviations(name).split()))
    expanded = _DOUBLED_LEVEL.sub(r" \1", expanded)          # "... huyện cấp huyện"
    folded = fold(expanded)
    rule = group_rule(folded)
    if rule is not None:
        children = rule.get("children", "same")
        if children == "district" or rule["prefix"] in ("cac so", "cac chi cuc"):
            scope = ctx.province_scope()
        elif children == "commune":
            scope = ctx.district_scope() or ctx.province_scope()
        else:
            scope = ctx.narrowest()
        skey, sdisp = scope or ("", "")
        display = expanded[:1].upper() + expanded[1:]
        return AgencyRef(key=f"{name_key(expanded)}|{skey}",
                         name=f"{display} ({sdisp})" if sdisp else display, kind="group",
                         level=None, base_key=name_key(expanded), scope_key=skey,
                         province=ctx.province, district=ctx.district)

    base, unit, unit_level, where = split_unit(expanded)
    base_folded = fold(base)
    province, district = ctx.province, ctx.district
    if unit and where:                       # explicit: "... tỉnh Đồng Nai", "UBND xã Vĩnh Tân"
        if unit == "thanh pho" and fold(where) in data()["central_cities"]:
            unit_level = "province"
        udisp = UNIT_DISPLAY.get(unit, unit)
        if unit_level == "province":
            scope = (f"tinh:{fold(where)}", f"{udisp} {where}")
            province, district = where, None
        elif unit_level == "district":
            scope = (f"huyen:{fold(where)}", f"{udisp} {where}")
            district = where
        else:
            parent = f"/huyen:{fold(ctx.district)}" if ctx.district else ""
            scope = (f"xa:{fold(where)}{parent}", f"{udisp} {where}")
        level = unit_level if base_folded in GOVERNMENT_BASES else (
            level_of(base_folded) or unit_level)
    else:
        if unit:                              # bare trailing unit: "Phòng Kinh tế huyện"
            level = unit_level
        else:
            level = level_of(base_folded)
        if level == "central":
            scope = None
            province = district = None
        elif level == "province":
            scope = ctx.province_scope()
            district = None
        elif level == "district":
            scope = ctx.district_scope() or ctx.province_scope()
        elif level == "commune":
            scope = ctx.commune_scope() or ctx.narrowest()
        else:
            scope = ctx.narrowest()
    skey, sdisp = scope or ("", "")
    bkey = name_key(base) or name_key(expanded)
    display = base if base else expanded
    display = display[:1].upper() + display[1:]
    full = f"{display} {sdisp}".strip() if sdisp else display
    return AgencyRef(key=f"{bkey}|{skey}", name=full, kind="agency", level=level,
                     base_key=bkey, scope_key=skey, province=province, district=district)


def query_keys(text: str) -> tuple[str, str]:
    """Keys to look an agency up by what a user typed: (full name key, base key)."""
    expanded = agency_of_title(" ".join(expand_abbreviations(text).split()))
    base, _unit, _level, _where = split_unit(expanded)
    return name_key(expanded), name_key(base) or name_key(expanded)


def query_scope(text: str) -> str | None:
    """The jurisdiction a typed name states explicitly ("Sở Công Thương tỉnh Lào Cai" ->
    "tinh:lao cai", "UBND huyện Vĩnh Cửu" -> "huyen:vinh cuu"), else None: an agency found
    by its name without jurisdiction must then sit there."""
    expanded = agency_of_title(" ".join(expand_abbreviations(text).split()))
    _base, unit, _level, where = split_unit(expanded)
    if not (unit and where):
        return None
    return resolve(text, Jurisdiction()).scope_key or None
