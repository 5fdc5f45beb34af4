"""Places: a gazetteer of China's administrative divisions from jionlp's national table
(provinces, prefecture cities, county-level divisions including development zones, and towns /
streets), mention finding, and the deictic aliases of the genre (我市, 全省, 我区 ...).

County and town names repeat across the country, so a mention is resolved against the
document's own city and province (its "home"), found first from unambiguous mentions.

Below structure and extraction; may import only the shared utilities (kg.vocab, kg.atomic). The
genre's word lists it reads are data: vocab/zone_abbreviations.tsv and
vocab/ambiguous_place_short_forms.txt.
"""
from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import io
import os
import pickle
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from kg import vocab
from kg.atomic import write_atomic

LEVELS = {1: "Province", 2: "City", 3: "District", 4: "Town"}
MUNICIPALITIES = {"北京市", "上海市", "天津市", "重庆市"}
# Development zones named in the national table at county level; their usual short forms are
# built from the full name by these genre rules (郑州高新技术产业开发区 -> 高新区).
_ZONE_DATA = "zone_abbreviations"
_ZONE_ABBREVIATIONS = [(row[0], [a for a in (row[1].split("|") if len(row) > 1 else []) if a])
                       for row in vocab.table(_ZONE_DATA)]
_ZONE_SUFFIX = re.compile(r"(开发区|实验区|新区|示范区|产业园区|高新区|经开区|港区)$")
# Short forms that are common words: never used alone as a place alias.
_AMBIGUOUS_DATA = "ambiguous_place_short_forms"
_AMBIGUOUS_SHORT = frozenset(vocab.words(_AMBIGUOUS_DATA))


# the 55 ethnic minorities, as written in the names of autonomous prefectures, counties and banners
_ETHNIC = ("蒙古|回|藏|维吾尔|苗|彝|壮|布依|朝鲜|满|侗|瑶|白|土家|哈尼|哈萨克|傣|黎|傈僳|佤|畲|高山|拉祜|水|东乡|"
           "纳西|景颇|柯尔克孜|土|达斡尔|仫佬|羌|布朗|撒拉|毛南|仡佬|锡伯|阿昌|普米|塔吉克|怒|乌孜别克|俄罗斯|"
           "鄂温克|德昂|保安|裕固|京|塔塔尔|独龙|鄂伦春|赫哲|门巴|珞巴|基诺|各")
_AUTONOMOUS = re.compile(rf"^(.{{2,}}?)(?:(?:{_ETHNIC})族)+自治(县|州|旗)$")


@dataclass
class Place:
    name: str  # canonical full name (郑州市)
    level: int  # 1 province, 2 city, 3 district/county/zone, 4 town/street
    code: str | None
    parent: "Place | None" = None
    aliases: set[str] = field(default_factory=set)
    zone: bool = False
    municipality: bool = False  # 北京/上海/天津/重庆: a province that is also its own city

    @property
    def key(self) -> tuple[str, ...]:
        """A path of names that identifies the place nationally (for IRIs)."""
        chain, p = [], self
        while p is not None:
            chain.append(p.name)
            p = p.parent
        return tuple(reversed(chain))

    @property
    def kind(self) -> str:
        return "DevelopmentZone" if self.zone else LEVELS[self.level]

    def ancestors(self):
        p = self.parent
        while p is not None:
            yield p
            p = p.parent

    def city(self) -> "Place | None":
        """The prefecture-level city; for a municipality (and its districts) the municipality."""
        chain = [self, *self.ancestors()]
        return next((p for p in chain if p.level == 2 or p.municipality), None)

    def province(self) -> "Place | None":
        return next((p for p in [self, *self.ancestors()] if p.level == 1), None)

    def __hash__(self):
        return hash(self.key)

    def __eq__(self, other):
        return isinstance(other, Place) and self.key == other.key

    def __repr__(self):
        return f"Place({'/'.join(self.key)})"


def _short_forms(name: str, level: int, parent: Place | None) -> set[str]:
    """Usual short forms: 河南省 -> 河南, 郑州市 -> 郑州, 新郑市 -> 新郑, 内蒙古自治区 -> 内蒙古."""
    out = set()
    for suffix in ("维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "特别行政区", "省", "市"):
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            out.add(name[: -len(suffix)])
            break
    autonomous = _AUTONOMOUS.match(name)
    if autonomous and level >= 2:  # 景谷傣族彝族自治县 -> 景谷县, 景谷; 湘西土家族苗族自治州 -> 湘西州
        stem, suffix = autonomous.group(1), autonomous.group(2)
        out |= {stem + suffix, stem}
    if level == 3 and name.endswith("县") and len(name) >= 3 and not autonomous and _rare_or_place(name[:-1]):
        out.add(name[:-1])  # 泗洪县 -> 泗洪 (resolved against the document's city, like 金水), never 资源
    if level == 3:
        for full, abbrs in _ZONE_ABBREVIATIONS:
            if name.endswith(full):
                stem = name[: -len(full)]
                city_short = parent.name[:-1] if parent and parent.name.endswith("市") else ""
                for abbr in abbrs:
                    out.add(stem + abbr)  # 郑州高新区
                    if city_short and stem.startswith(city_short):
                        out.add(stem[len(city_short):] + abbr)  # 航空港区 (city prefix dropped)
                if city_short and stem == city_short:
                    out.update(abbrs)  # 高新区 alone: resolved against the document's city
        if name.endswith("区") and not _ZONE_SUFFIX.search(name) and len(name) >= 3:
            out.add(name[:-1])
        m = re.match(r"^(.{2,})(?:回族|满族|蒙古族|土家族|苗族|彝族|藏族|壮族)区$", name)
        if m:
            out.add(m.group(1) + "区")  # 管城回族区 -> 管城区
    return {s for s in out if len(s) >= 2 and s not in _AMBIGUOUS_SHORT}


def _rare_or_place(word: str) -> bool:
    """A county's short form that is not a common word: jieba's dictionary tags it as a place
    name (ns), or it is rare (资源县 -> 资源 and 大方县 -> 大方 are words, 泗洪 and 天祝 places)."""
    import jieba  # lazy: only building the gazetteer needs it (a pickled one loads without it)
    import jieba.posseg  # lazy: as above

    jieba.initialize()
    tag = jieba.posseg.dt.word_tag_tab.get(word)
    return tag == "ns" or jieba.dt.FREQ.get(word, 0) < 100


class Gazetteer:
    """All divisions of the national table, indexed by every name and short form."""

    def __init__(self):
        jionlp = jionlp_module()
        self.by_name: dict[str, list[Place]] = {}
        self.places: list[Place] = []
        table = jionlp.china_location_loader(detail=True)
        for prov_name, prov_node in table.items():
            prov = self._add(prov_name, 1, prov_node, None)
            for city_name, city_node in _children(prov_node):
                if prov_name in MUNICIPALITIES and city_name == prov_name:
                    # one place, not a province and a city of the same name (no locatedIn loop)
                    prov.municipality = True
                    city = prov
                else:
                    city = self._add(city_name, 2, city_node, prov)
                for county_name, county_node in _children(city_node):
                    county = self._add(county_name, 3, county_node, city)
                    for town_name, _ in _children(county_node):
                        self._add(town_name, 4, None, county, register_names=False)
        self._towns_by_city: dict[Place, dict[str, Place]] = {}
        self._patterns: re.Pattern | None = None

    @property
    def patterns(self) -> re.Pattern:
        """Every name of a division down to county level, longest first (compiled at first use:
        a pickled gazetteer loads without compiling it)."""
        if self._patterns is None:
            self._patterns = _compile(n for n, ps in self.by_name.items() if any(p.level <= 3 for p in ps))
        return self._patterns

    def __getstate__(self):
        state = dict(self.__dict__)
        state["_patterns"] = None
        state.pop("_pinyin", None)
        return state

    def names_in(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, name) of the division names (county level and up) written in a short text,
        longest first, not overlapping: without the big pattern (a question has a few dozen
        characters)."""
        longest = 0
        if not hasattr(self, "_longest"):
            self._longest = max(len(n) for n in self.by_name)
        longest = self._longest
        out, taken = [], [False] * len(text)
        for size in range(min(longest, len(text)), 1, -1):
            for i in range(len(text) - size + 1):
                name = text[i:i + size]
                if not any(taken[i:i + size]) and any(p.level <= 3 for p in self.by_name.get(name, ())):
                    out.append((i, i + size, name))
                    taken[i:i + size] = [True] * size
        return sorted(out)

    def _add(self, name: str, level: int, node, parent: Place | None, register_names=True) -> Place:
        code = node.get("_admin_code") if isinstance(node, dict) else None
        place = Place(name, level, code, parent)
        place.zone = level == 3 and bool(_ZONE_SUFFIX.search(name))
        place.aliases = _short_forms(name, level, parent)
        if isinstance(node, dict):
            alias = node.get("_alias")
            for a in ([alias] if isinstance(alias, str) else alias or []):
                if a and len(a) >= 2 and a not in _AMBIGUOUS_SHORT and (level <= 2 or a.endswith(("区", "县", "市"))):
                    place.aliases.add(a)
        self.places.append(place)
        if register_names:
            for n in {name, *place.aliases}:
                self.by_name.setdefault(n, []).append(place)
        return place

    def towns_of(self, city: Place) -> dict[str, Place]:
        """Towns and streets of one city, by name (and by name without 镇/乡/街道)."""
        if city not in self._towns_by_city:
            towns: dict[str, Place] = {}
            for p in self.places:
                if p.level == 4 and p.parent is not None and p.parent.parent == city:
                    towns.setdefault(p.name, p)
            self._towns_by_city[city] = towns
        return self._towns_by_city[city]

    def new_area(self, name: str, city: Place) -> Place:
        """A new area (中牟新区) not yet in the national table, placed in the home city."""
        for p in self.by_name.get(name, []):
            if p.parent == city:
                return p
        place = Place(name, 3, None, city, zone=True)
        self.by_name.setdefault(name, []).append(place)
        return place

    def lookup(self, name: str) -> list[Place]:
        return self.by_name.get(name, [])

    def by_pinyin(self, token: str) -> Place | None:
        """The place a file name spells in pinyin (yaan -> 雅安市, qiaokou -> 硚口区): the highest
        level that holds exactly one place of that spelling, or None."""
        if not hasattr(self, "_pinyin"):
            jionlp = jionlp_module()
            self._pinyin: dict[str, list[Place]] = {}
            for p in self.places:
                if p.level <= 3:
                    stem = next((a for a in sorted(p.aliases, key=len) if p.name.startswith(a)), p.name)
                    spelled = "".join(x.rstrip("012345") for x in jionlp.pinyin(stem, formater="simple"))
                    self._pinyin.setdefault(spelled, []).append(p)
        found = self._pinyin.get(token.lower(), [])
        for level in (1, 2, 3):
            at = [p for p in found if p.level == level]
            if at:
                return at[0] if len(at) == 1 else None
        return None

    def find(self, name: str, home: "Home | None" = None) -> Place | None:
        """Resolve one name, preferring places inside the home city, then the home province;
        None when still ambiguous."""
        candidates = self.lookup(name)
        if home is not None and not candidates and home.city is not None:
            town = self.towns_of(home.city).get(name)
            return town
        return _choose(candidates, home)


def jionlp_module():
    """The jionlp module, imported without the banner it prints."""
    with contextlib.redirect_stdout(io.StringIO()):  # jionlp prints a banner on import
        import jionlp  # lazy: ~0.5 s to import, only building the gazetteer and pinyin lookups need it
    return jionlp


def _children(node):
    if not isinstance(node, dict):
        return []
    return [(k, v) for k, v in node.items() if not k.startswith("_")]


def _compile(names) -> re.Pattern:
    ordered = sorted(set(names), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, ordered)))


def _choose(candidates: list[Place], home: "Home | None") -> Place | None:
    if not candidates:
        return None
    if len(candidates) == 1:
        return candidates[0]
    if home is not None:
        for scope in (home.city, home.province):
            if scope is None:
                continue
            inside = [c for c in candidates if c == scope or scope in set(c.ancestors())]
            if len(inside) == 1:
                return inside[0]
            if inside:
                candidates = inside
    # a province or city name shared with a county elsewhere: the higher level wins (吉林省/吉林市)
    top = min(c.level for c in candidates)
    tops = [c for c in candidates if c.level == top]
    return tops[0] if len(tops) == 1 and top <= 2 else None


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The national gazetteer, built once per version of this code and of jionlp and jieba and kept
    pickled in the user's cache (~/.cache/govkg/gazetteer/): 0.3 s to load instead of 2 s to build,
    which a `kg ask` from the shell feels."""
    path = _gazetteer_cache()
    try:
        with open(path, "rb") as fh:
            gaz = pickle.load(fh)
        if isinstance(gaz, Gazetteer):
            return gaz
    except Exception:  # noqa: BLE001 -- missing, damaged or of another version: build it
        pass
    gaz = Gazetteer()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, pickle.dumps(gaz, protocol=pickle.HIGHEST_PROTOCOL))
    except Exception:  # noqa: BLE001 -- a cache that cannot be written only costs time
        pass
    return gaz


def _gazetteer_cache():
    h = hashlib.sha256(Path(__file__).read_bytes())
    for data in (f"{_ZONE_DATA}.tsv", f"{_AMBIGUOUS_DATA}.txt"):  # the word lists the pickle was built with
        h.update((vocab.VOCAB_DIR / data).read_bytes())
    for package in ("jionlp", "jieba"):
        try:
            h.update(importlib.metadata.version(package).encode())
        except importlib.metadata.PackageNotFoundError:
            pass
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "govkg" / "gazetteer" / f"gazetteer-{h.hexdigest()[:16]}.pickle"


# ------------------------------------------------------------------ mentions in text

@dataclass
class PlaceMention:
    start: int
    end: int
    surface: str
    place: Place
    deictic: bool = False  # 我市 / 全省 ...


@dataclass
class Home:
    """The place a document is about: its city and province (either may be unknown), and its
    subject — the place its figures are about unless the text names another (the province for a
    provincial report, the district for a district's report, else the city)."""
    city: Place | None
    province: Place | None
    subject: Place | None = None

    @property
    def default(self) -> Place | None:
        return self.subject or self.city or self.province


_DEICTIC = re.compile(r"(?:我|全|本|该)(省|市|区|县|州|盟|旗)|(?<![\u4e00-\u9fa5])(省|市)(?=[委政人财发教科工公民司自商文卫应审统住交水农林生市国])")
# words in which a place name is not a place mention (中原区 inside 中原科技城 is fine: longer
# names win by regex order; these guard short forms used as adjectives)
_NOT_PLACE_AFTER = re.compile(r"^(?:银行|大学|学院|日报|晚报|路|大道|街(?!道)|站|机场|港(?!区)|城市群|都市圈|商品交易所|"
                              r"流域|水系|干流|支流|河段)")  # 锦江流域: a river, not 锦江区


def find_home(text: str, gaz: Gazetteer, title: str = "") -> Home:
    """The document's city and province: the most mentioned prefecture city (counting the
    cities of county mentions), else the most mentioned province. The subject is the place that
    opens a sure title (郑州市2024年政府工作报告, 中原区…), else the province when 全省/我省
    outnumber 全市/我市, else the city."""
    home = _find_city_province(text, gaz)
    subject = None
    if title:
        for m in find_places(title, gaz, home):
            if m.start <= 1 and not m.deictic:
                subject = m.place
            break
    if subject is None:
        provincial = len(re.findall(r"[全我本]省", text))
        municipal = len(re.findall(r"[全我本]市", text))
        subject = home.province if provincial > municipal and home.province else home.city
    home.subject = subject
    return home


def _find_city_province(text: str, gaz: Gazetteer) -> Home:
    cities: Counter[Place] = Counter()
    provinces: Counter[Place] = Counter()
    pos = 0
    while (m := gaz.patterns.search(text, pos)) is not None:
        pos = m.end()
        cands = gaz.lookup(m.group(0))
        if len(cands) != 1:
            continue
        p = cands[0]
        if p.level == 3 and m.group(0) != p.name:
            pos = m.start() + 1  # a short form may hide a name starting inside it (组建湖北: 建湖, 湖北)
        if p.level == 1:
            provinces[p] += 1
        elif p.city() is not None:
            cities[p.city()] += 2 if p.level == 2 else 1
    city = cities.most_common(1)[0][0] if cities else None
    province = city.province() if city else (provinces.most_common(1)[0][0] if provinces else None)
    return Home(city, province)


def find_places(text: str, gaz: Gazetteer, home: Home, subject: Place | None = None) -> list[PlaceMention]:
    """Every place mention of a text, resolved. `subject` is what 我区/全区/本县 refer to (the
    district an article is about); 我市/全市 refer to the home city, 我省/全省 to its province."""
    out: list[PlaceMention] = []
    taken = [False] * len(text)
    pos = 0
    while (m := gaz.patterns.search(text, pos)) is not None:
        pos = m.start() + 1  # a name rejected here may hide one starting inside it (组建湖北: 建湖, 湖北)
        if _NOT_PLACE_AFTER.match(text[m.end():m.end() + 5]):
            continue
        surface = m.group(0)
        place = gaz.find(surface, home)
        if place is None:
            continue
        if place.level >= 3 and (surface != place.name or len(surface) <= 2) and not _inside(place, home.city):
            continue  # short forms of counties (金水, 高新区) and 2-character names (高县) only at home
        out.append(PlaceMention(m.start(), m.end(), m.group(0), place))
        for i in range(m.start(), m.end()):
            taken[i] = True
        pos = m.end()
    if home.city is not None:
        for m in _NEW_AREA.finditer(text):  # XX新区 founded after the national table was made
            if not any(taken[m.start():m.end()]) and m.group(1) not in _NOT_AREA_PREFIX:
                zone = gaz.new_area(m.group(0), home.city)
                out.append(PlaceMention(m.start(), m.end(), m.group(0), zone))
                for i in range(m.start(), m.end()):
                    taken[i] = True
        towns = gaz.towns_of(home.city)
        pattern = _town_pattern(home.city, tuple(sorted(towns))) if towns else None
        if pattern is not None:
            for m in pattern.finditer(text):
                if not any(taken[m.start():m.end()]):
                    out.append(PlaceMention(m.start(), m.end(), m.group(0), towns[m.group(0)]))
    for m in _DEICTIC.finditer(text):
        if any(taken[m.start():m.end()]):
            continue
        level = m.group(1) or m.group(2)
        target = {"省": home.province, "市": home.city, "州": home.city, "盟": home.city}.get(level)
        local = subject or (home.subject if home.subject is not None and home.subject.level == 3 else None)
        if level in ("区", "县", "旗") or (level == "市" and local is not None and local.level == 3
                                           and local.name.endswith("市") and m.group(1)):
            target = local  # 我区 / 全县 / 全市 inside an article about a county-level city
        if level in ("州", "盟") and (target is None or not target.name.endswith(level)):
            target = None  # 全州 names an autonomous prefecture (a 盟 a league), never another city
        if target is not None:
            out.append(PlaceMention(m.start(), m.end(), m.group(0), target, deictic=True))
    return sorted(out, key=lambda x: x.start)


def most_specific(mentions: list[PlaceMention], i: int) -> Place:
    """Of the place names written together from mentions[i] on (达州市通川区), the last, most
    specific one."""
    place, end = mentions[i].place, mentions[i].end
    for nxt in mentions[i + 1:]:
        if nxt.start != end or nxt.deictic:
            break
        place, end = nxt.place, nxt.end
    return place


def _inside(place: Place, scope: Place | None) -> bool:
    return scope is not None and (place == scope or scope in set(place.ancestors()))


_NEW_AREA = re.compile(r"(?<![\u4e00-\u9fa5])([\u4e00-\u9fa5]{2})新区|(?<=[，,、；;。和与及在“])([\u4e00-\u9fa5]{2})新区")
_NOT_AREA_PREFIX = {"国家", "城市", "产业", "现代", "生态", "滨水", "这个", "一批", "全国", "各个", "老城",
                    "城区", "开发", "建设", "打造", "推进", "规划", "重点", "功能", "省级", "国级", None}


@lru_cache(maxsize=16)
def _town_pattern(city: Place, names: tuple[str, ...]) -> re.Pattern | None:
    # only full town names with their suffix (镇/乡/街道): bare names are too often words; a city
    # whose table lists none has no pattern (an empty one would match the empty string everywhere)
    full = [n for n in names if n.endswith(("镇", "乡", "街道")) and len(n) >= 3]
    return _compile(full) if full else None
