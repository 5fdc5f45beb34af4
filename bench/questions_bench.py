#!/usr/bin/env python3
"""Ask `kg ask` the natural questions in bench/natural_questions.jsonl and check each answer's key.

The questions and keys were written from the documents alone, before the system was run on them.
Each question names its corpus; each corpus is answered from its own workspace:

  python bench/questions_bench.py --kg .venv/bin/kg \\
      --ws provinces=.kg-provinces --ws genres=.kg-genres --ws news=.kg-news --ws bundled=.kg \\
      [--corpus provinces,news] [--kind figure] [--ids p-fig-01,g-max-01] [-v] [--median-time] \\
      [--timeout 180] [--save answers.jsonl] [--min-accuracy 0.5] [FILE]

`--ws CORPUS=DIR` (also spelt `--workspace`) gives a corpus its workspace; a bare `--ws DIR` is the
workspace of every corpus not named. A corpus with no workspace is skipped. For each question
`KG ask QUESTION --format json --workspace DIR` is run; a non-zero exit, a timeout or output that is
not a JSON object counts as a wrong answer.

Checks, by kind (the answer is {"answer", "facts", "passages", "entities"}):
  figure, colloquial, five_year
          some fact has the key's value (Decimal-equal in the same unit, or equal after converting
          万/亿/万亿 magnitudes and 斤/公斤/千克/吨 masses; key.alternatives lists other written
          forms) and, where the key names a place, that place (short forms: 大连 == 大连市,
          新疆 == 新疆维吾尔自治区); where the key has a status, a fact's status must agree. When the
          answer has no facts (a passage answer), the value with its unit written in the answer
          text counts instead.
  decline the same with the value's magnitude, and the fact (or answer text) says it fell: a
          negative value, direction "down", or 下降/减少/降低/回落/下滑 in the fact or the answer.
  list    every key place has a fact, and no fact names a place outside key.places.
  max/min the first fact's place is key.place.
  program one of key.contains is in the answer text or an entity's label (or any of its names).
  passage some passage's text (white space removed) contains key.contains.
  absent  no facts, and the answer text says so (没有 / 未找到 / 不包含 …).
Prints accuracy per kind, per corpus and overall; -v lists each failure with the answer given;
--median-time prints the median seconds per `kg ask` call (every call, failed ones too).
Only the Python standard library is used. Exit 1 when --min-accuracy is given and not met.
"""
from __future__ import annotations

import argparse
import json
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from decimal import Decimal, InvalidOperation
from pathlib import Path
from urllib.parse import unquote

HERE = Path(__file__).resolve().parent
DEFAULT_FILE = HERE / "natural_questions.jsonl"

# Traditional → simplified for the characters that occur in place names and units of the news pages.
T2S = str.maketrans({
    "億": "亿", "萬": "万", "區": "区", "縣": "县", "連": "连", "陽": "阳", "華": "华", "東": "东",
    "門": "门", "寧": "宁", "雲": "云", "遼": "辽", "廣": "广", "龍": "龙", "陝": "陕", "蘇": "苏",
    "灣": "湾", "慶": "庆", "島": "岛", "順": "顺", "貴": "贵", "鄉": "乡", "鎮": "镇", "噸": "吨",
    "蘭": "兰", "關": "关", "開": "开", "發": "发", "產": "产", "産": "产", "總": "总",
    "額": "额", "長": "长", "濟": "济", "漢": "汉", "沒": "没", "無": "无", "麼": "么", "這": "这",
    "個": "个", "點": "点", "為": "为", "萊": "莱", "澤": "泽", "溫": "温", "鄭": "郑", "臺": "台",
    "衛": "卫", "渾": "浑", "師": "师", "場": "场", "實": "实", "現": "现", "將": "将",
    "．": ".", "，": ",", "％": "%", "－": "-", "−": "-",
})
FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
MAGNITUDES = [("万亿", Decimal(10) ** 12), ("亿", Decimal(10) ** 8), ("万", Decimal(10) ** 4),
              ("千", Decimal(10) ** 3), ("百", Decimal(10) ** 2)]
MASS = {"斤": Decimal("0.5"), "公斤": Decimal(1), "千克": Decimal(1), "吨": Decimal(1000)}
MASS_RE = re.compile(r"^(万亿|亿|万|千|百)?(公斤|千克|斤|吨)$")
ETHNIC = sorted(["维吾尔", "壮族", "回族", "藏族", "蒙古族", "白族", "傣族", "彝族", "苗族", "土家族", "侗族",
                 "哈尼族", "哈萨克", "哈萨克族", "布依族", "朝鲜族", "羌族", "黎族", "畲族", "瑶族", "满族",
                 "仡佬族", "土族", "撒拉族", "纳西族", "傈僳族", "景颇族", "拉祜族", "佤族", "水族", "仫佬族",
                 "毛南族", "达斡尔族", "鄂温克族", "锡伯族", "柯尔克孜", "塔吉克", "裕固族", "保安族",
                 "东乡族", "独龙族", "怒族", "普米族", "阿昌族", "德昂族", "基诺族", "布朗族", "京族",
                 "鄂伦春族", "赫哲族", "门巴族", "珞巴族", "高山族", "俄罗斯族", "乌孜别克族", "塔塔尔族"],
                key=len, reverse=True)
PLACE_SUFFIXES = ("地区", "省", "市", "区", "县", "州", "盟", "旗", "镇", "乡")
DOWN_WORDS = ("下降", "减少", "降低", "回落", "下滑", "下跌", "收窄", "降幅")
NOT_FOUND_WORDS = ("没有", "未找到", "不包含", "找不到", "未能找到", "未提及", "无相关")


# ------------------------------------------------------------------ text helpers
def nospace(text) -> str:
    return re.sub(r"\s+", "", str(text or ""))


def fold(text) -> str:
    """White space removed, traditional → simplified for the usual characters, full-width digits."""
    return nospace(text).translate(T2S).translate(FULLWIDTH_DIGITS)


def decimal(value):
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float, Decimal)):
        return Decimal(str(value))
    if isinstance(value, dict):  # {"value": ...} or an RDF-ish literal
        return decimal(value.get("value"))
    text = fold(value).replace(",", "")
    try:
        return Decimal(text)
    except (InvalidOperation, ValueError):
        return None


def label_of(value) -> str:
    """A place or entity given as a label, an IRI or an object: its readable name."""
    if isinstance(value, dict):
        for k in ("label", "name", "prefLabel", "rdfs:label", "place", "iri", "id", "@id"):
            if value.get(k):
                return label_of(value[k])
        return ""
    text = str(value or "")
    if text.startswith(("http://", "https://", "gkr:")):
        text = unquote(text.rstrip("/").rsplit("/", 1)[-1])
    return text


def short_place(name) -> str:
    s = fold(label_of(name))
    if s.endswith("特别行政区"):
        return s[:-5]
    for suffix in ("自治区", "自治州", "自治县", "自治旗"):
        if s.endswith(suffix) and len(s) > len(suffix) + 1:
            s = s[: -len(suffix)]
            stripped = True
            while stripped:
                stripped = False
                for eth in ETHNIC:
                    if s.endswith(eth) and len(s) > len(eth) + 1:
                        s, stripped = s[: -len(eth)], True
                        break
            return s
    for suffix in PLACE_SUFFIXES:
        if s.endswith(suffix) and len(s) > len(suffix) + 1:
            return s[: -len(suffix)]
    return s


def canonical(value, unit):
    """(value in a base unit, base unit): 万/亿/万亿 magnitudes, 斤/公斤/吨 masses to 公斤."""
    v, u = decimal(value), fold(unit)
    if v is None:
        return None
    m = MASS_RE.match(u)
    if m:
        factor = dict(MAGNITUDES).get(m.group(1), Decimal(1)) if m.group(1) else Decimal(1)
        return v * factor * MASS[m.group(2)], "公斤"
    for prefix, factor in MAGNITUDES:
        if u.startswith(prefix) and len(u) > len(prefix):
            return v * factor, u[len(prefix):]
    return v, u


def strings_in(obj):
    """Every string inside a JSON value (IRIs also unquoted)."""
    if isinstance(obj, str):
        yield obj
        if "%" in obj:
            yield unquote(obj)
    elif isinstance(obj, dict):
        for v in obj.values():
            yield from strings_in(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from strings_in(v)


# ------------------------------------------------------------------ answer access
def facts_of(ans):
    facts = ans.get("facts") or []
    return [f for f in facts if isinstance(f, dict)]


def answer_text(ans) -> str:
    a = ans.get("answer")
    return a if isinstance(a, str) else json.dumps(a, ensure_ascii=False) if a else ""


def passage_texts(ans):
    out = []
    for p in ans.get("passages") or []:
        if isinstance(p, dict):
            out.append(str(p.get("text") or p.get("quote") or ""))
        elif isinstance(p, str):
            out.append(p)
    return out


def fact_place(fact):
    return fact.get("place") or fact.get("place_label") or fact.get("placeLabel") or ""


def fact_value(fact):
    for k in ("value", "val"):
        if k in fact:
            return decimal(fact[k])
    return None


def fact_unit(fact):
    return fact.get("unit") or ""


def fact_words(fact) -> str:
    parts = [fact.get(k) for k in ("metric", "metric_label", "indicator", "quote", "text", "label", "direction")]
    return fold(" ".join(label_of(p) if isinstance(p, dict) else str(p) for p in parts if p))


def is_down(fact) -> bool:
    d = str(fact.get("direction") or "").lower()
    if d in ("down", "decrease", "decline", "negative", "-"):
        return True
    v = fact_value(fact)
    if v is not None and v < 0:
        return True
    return any(w in fact_words(fact) for w in DOWN_WORDS)


# ------------------------------------------------------------------ key checks
def candidates(key):
    out = [(key["value"], key.get("unit", ""))]
    for alt in key.get("alternatives") or []:
        out.append((alt[0], alt[1]))
    return out


def value_equal(got_value, got_unit, fact, want_value, want_unit, magnitude=False):
    gv = got_value
    if gv is None:
        return False
    wv = decimal(want_value)
    if magnitude:
        gv, wv = abs(gv), abs(wv)
    if gv == wv and (not fold(got_unit) or fold(got_unit) == fold(want_unit)):
        return True
    if not fold(got_unit):
        return False
    g, w = canonical(gv, got_unit), canonical(wv, want_unit)
    if g and w and g == w:
        return True
    nv, nu = fact.get("normalizedValue", fact.get("normalized_value")), fact.get("normalizedUnit", fact.get("normalized_unit"))
    if nv is not None and nu:
        n, w2 = canonical(decimal(nv), nu), canonical(wv, want_unit)
        if n and w2 and (abs(n[0]) if magnitude else n[0]) == w2[0] and n[1] == w2[1]:
            return True
    return False


def status_ok(fact, key) -> bool:
    want = str(key.get("status") or "").lower()
    got = label_of(fact.get("status") or "").lower()
    return not want or not got or got.endswith(want)


def place_ok(fact, key) -> bool:
    return not key.get("place") or short_place(fact_place(fact)) == short_place(key["place"])


def number_written(text, value, unit) -> bool:
    """The value, with its unit, written in a text (as 17.3%, 17.3 %, 1,262,548万元 …)."""
    t = fold(text).replace(",", "")
    v = decimal(value)
    if v is None:
        return False
    forms = {format(v.normalize(), "f"), str(value)}
    if v == v.to_integral_value():
        forms.add(str(int(v)))
    u = re.escape(fold(unit))
    for f in forms:
        if re.search(r"(?<![\d.])" + re.escape(f) + r"(?![\d])" + u, t):
            return True
    return False


def check_figure(ans, key, magnitude=False):
    facts = facts_of(ans)
    says_down = any(w in fold(answer_text(ans)) for w in DOWN_WORDS)
    not_down = False
    for fact in facts:
        if not (place_ok(fact, key) and status_ok(fact, key)):
            continue
        if any(value_equal(fact_value(fact), fact_unit(fact), fact, v, u, magnitude) for v, u in candidates(key)):
            if not magnitude or is_down(fact) or says_down:
                return True, ""
            not_down = True
    if not_down:
        return False, "the value is there but neither the fact nor the answer says it fell"
    if not facts:
        text = answer_text(ans)
        if magnitude and not any(w in fold(text) for w in DOWN_WORDS):
            return False, "no facts; answer text does not say it fell"
        if any(number_written(text, v, u) for v, u in candidates(key)):
            return True, ""
        return False, "no facts; value not written in the answer"
    return False, f"no fact with {key['value']}{key.get('unit', '')}" + (f" for {key['place']}" if key.get("place") else "")


def check_list(ans, key):
    want = {short_place(p) for p in key["places"]}
    got = {short_place(fact_place(f)) for f in facts_of(ans) if fact_place(f)}
    missing, extra = sorted(want - got), sorted(got - want)
    if missing or extra:
        return False, f"missing {missing} extra {extra}"
    return True, ""


def check_top(ans, key):
    facts = facts_of(ans)
    if not facts:
        return False, "no facts"
    first = short_place(fact_place(facts[0]))
    return (first == short_place(key["place"])), f"first fact place {fact_place(facts[0]) or None}"


def check_program(ans, key):
    wants = key["contains"] if isinstance(key["contains"], list) else [key["contains"]]
    hay = [fold(answer_text(ans))] + [fold(s) for s in strings_in(ans.get("entities") or [])]
    for w in wants:
        if any(fold(w) in h for h in hay):
            return True, ""
    return False, "none of the names in the answer or entities"


def check_passage(ans, key):
    want = fold(key["contains"])
    for text in passage_texts(ans):
        if want in fold(text):
            return True, ""
    return False, f"no passage contains {key['contains']}"


def check_absent(ans, key):
    if facts_of(ans):
        return False, f"{len(facts_of(ans))} facts given"
    text = fold(answer_text(ans))
    if any(w in text for w in NOT_FOUND_WORDS):
        return True, ""
    return False, "answer does not say it was not found"


def check(item, ans):
    kind, key = item["kind"], item["key"]
    if kind in ("figure", "colloquial", "five_year"):
        return check_figure(ans, key)
    if kind == "decline":
        return check_figure(ans, key, magnitude=True)
    if kind == "list":
        return check_list(ans, key)
    if kind in ("max", "min"):
        return check_top(ans, key)
    if kind == "program":
        return check_program(ans, key)
    if kind == "passage":
        return check_passage(ans, key)
    if kind == "absent":
        return check_absent(ans, key)
    return False, f"unknown kind {kind}"


# ------------------------------------------------------------------ running kg
def kg_command(arg):
    if arg:
        return shlex.split(arg)
    for candidate in (".venv/bin/kg", str(HERE.parent / ".venv" / "bin" / "kg")):
        if Path(candidate).exists():
            return [candidate]
    if shutil.which("kg"):
        return ["kg"]
    sys.exit("questions_bench.py: no `kg` command found; pass --kg")


def ask(cmd, question, workspace, timeout):
    """(answer dict or None, error text, seconds)."""
    t = time.perf_counter()
    try:
        out = subprocess.run(cmd + ["ask", question, "--format", "json", "--workspace", workspace],
                             capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, f"timed out after {timeout}s", time.perf_counter() - t
    except OSError as e:
        return None, f"could not run kg: {e}", time.perf_counter() - t
    seconds = time.perf_counter() - t
    if out.returncode != 0:
        err = (out.stderr or out.stdout).strip().splitlines()
        return None, f"exit {out.returncode}: {err[-1][:200] if err else ''}", seconds
    try:
        ans = json.loads(out.stdout)
    except json.JSONDecodeError as e:
        return None, f"not JSON: {e}", seconds
    if not isinstance(ans, dict):
        return None, "JSON is not an object", seconds
    return ans, "", seconds


def parse_workspaces(specs):
    named, default = {}, None
    for spec in specs or []:
        if "=" in spec:
            corpus, ws = spec.split("=", 1)
            named[corpus.strip()] = ws
        else:
            default = spec
    return named, default


def split_list(values):
    out = set()
    for v in values or []:
        out.update(x.strip() for x in v.split(",") if x.strip())
    return out


def summary_of(ans, width=160):
    if ans is None:
        return ""
    text = nospace(answer_text(ans))[:width]
    facts = facts_of(ans)[:3]
    fs = "; ".join(f"{label_of(fact_place(f)) or '?'} {f.get('value')}{f.get('unit') or ''}" for f in facts)
    return f"answer: {text!r}" + (f" | facts: {fs}" if fs else "") + f" | {len(facts_of(ans))} facts, {len(ans.get('passages') or [])} passages"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    ap.add_argument("file", nargs="?", default=str(DEFAULT_FILE))
    ap.add_argument("--kg", help="the kg command (default .venv/bin/kg, else kg on PATH)")
    ap.add_argument("--ws", "--workspace", action="append", dest="ws", metavar="[CORPUS=]DIR",
                    help="workspace of a corpus (repeat); a bare DIR serves every corpus not named")
    ap.add_argument("--corpus", action="append", help="only these corpora (comma list or repeat)")
    ap.add_argument("--kind", action="append", help="only these kinds (comma list or repeat)")
    ap.add_argument("--ids", action="append", help="only these question ids (comma list or repeat)")
    ap.add_argument("--timeout", type=float, default=300, help="seconds per kg ask call (default 300)")
    ap.add_argument("-v", "--verbose", action="store_true", help="list failures with the answer given")
    ap.add_argument("--median-time", action="store_true", help="print the median seconds per kg ask call")
    ap.add_argument("--save", metavar="FILE", help="write every raw answer (JSON lines) to FILE")
    ap.add_argument("--min-accuracy", type=float, help="exit 1 when overall accuracy is below this")
    args = ap.parse_args(argv)

    items = [json.loads(line) for line in open(args.file, encoding="utf-8") if line.strip()]
    corpora, kinds, ids = split_list(args.corpus), split_list(args.kind), split_list(args.ids)
    items = [it for it in items if (not corpora or it["corpus"] in corpora)
             and (not kinds or it["kind"] in kinds) and (not ids or it["id"] in ids)]
    named, default = parse_workspaces(args.ws)
    cmd = kg_command(args.kg)

    skipped = sorted({it["corpus"] for it in items if it["corpus"] not in named and not default})
    if skipped:
        print(f"skipped (no --ws given): {', '.join(skipped)}", file=sys.stderr)
    items = [it for it in items if it["corpus"] in named or default]
    if not items:
        sys.exit("questions_bench.py: no questions to ask (give --ws CORPUS=DIR)")

    by_kind, by_corpus = defaultdict(lambda: [0, 0]), defaultdict(lambda: [0, 0])
    times, failures, saved = [], [], []
    for it in items:
        ws = named.get(it["corpus"], default)
        ans, err, seconds = ask(cmd, it["question"], ws, args.timeout)
        times.append(seconds)
        if ans is None:
            ok, why = False, f"kg failed: {err}"
        else:
            try:
                ok, why = check(it, ans)
            except Exception as e:  # an odd answer shape counts as wrong, never stops the run
                ok, why = False, f"could not check the answer: {type(e).__name__}: {e}"
        for table, name in ((by_kind, it["kind"]), (by_corpus, it["corpus"])):
            table[name][0] += ok
            table[name][1] += 1
        if not ok:
            failures.append((it, why, ans))
        if args.save:
            saved.append({"id": it["id"], "ok": ok, "why": why, "seconds": round(seconds, 3), "answer": ans})

    if args.save:
        with open(args.save, "w", encoding="utf-8") as f:
            for row in saved:
                f.write(json.dumps(row, ensure_ascii=False) + "\n")

    def line(name, right, total):
        return f"  {name:<12} {right:>3}/{total:<3} {right / total:6.1%}"

    print("by kind:")
    for name in sorted(by_kind):
        print(line(name, *by_kind[name]))
    print("by corpus:")
    for name in sorted(by_corpus):
        print(line(name, *by_corpus[name]))
    right, total = sum(v[0] for v in by_corpus.values()), sum(v[1] for v in by_corpus.values())
    print(line("overall", right, total))
    if args.median_time:
        print(f"median seconds per kg ask: {statistics.median(times):.2f} (n={len(times)}, max {max(times):.2f})")
    if args.verbose and failures:
        print("failures:")
        for it, why, ans in failures:
            print(f"  {it['id']} [{it['corpus']}/{it['kind']}] {it['question']}")
            print(f"      want: {it['answer']}")
            print(f"      why:  {why}")
            if ans is not None:
                print(f"      got:  {summary_of(ans)}")
    accuracy = right / total if total else 0.0
    if args.min_accuracy is not None and accuracy < args.min_accuracy:
        return 1
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:  # output piped into head
        sys.exit(1)
