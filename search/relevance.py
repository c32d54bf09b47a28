"""The relevance set: queries people type, and the records that must come first.

It is written against the demo registry (``manage.py load_demo_data``), whose records are named by
their natural keys: a GI by slug, a producer by credit code, a standard by code. Used by the
contract tests (every engine) and by ``manage.py bench_search``, which scores each engine with
MRR (the mean of 1 / rank of the first relevant result) and recall@5 (the share of the relevant
records, at most five, that are in the first five).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from gi_registry.models import GeographicalIndication, Producer, Standard

GI = "gi"
PRODUCER = "producer"
STANDARD = "standard"


@dataclass(frozen=True)
class Case:
    query: str
    relevant: tuple[
        tuple[str, str], ...
    ]  # (type, natural key); ("producers_named", text) = all producers whose name has it
    kind: str  # zh-1, zh-2, zh-3+, pinyin, initials, code, id, en, mixed


def c(query: str, kind: str, *relevant: tuple[str, str]) -> Case:
    return Case(query, tuple(relevant), kind)


YOU = (GI, "liangping-you")
YAZI = (GI, "liangping-zhangyazi")
DAMI = (GI, "liangping-dami")
SHANYANG = (GI, "liangping-shanyang")
DOUJIN = (GI, "liangping-doujin")
DOUGAN = (GI, "liangping-dougan")
ZHUSUN = (GI, "baili-zhuhai-zhusun")

CASES: tuple[Case, ...] = (
    # one Chinese character
    c("柚", "zh-1", YOU),
    c("鸭", "zh-1", YAZI),
    c("笋", "zh-1", ZHUSUN),
    c("米", "zh-1", DAMI, (STANDARD, "GB/T 1354-2018")),
    c("羊", "zh-1", SHANYANG),
    # two characters, words and mere substrings
    c("柚子", "zh-2", (PRODUCER, "93500155MA9000011Q"), YOU),
    c("平柚", "zh-2", YOU, (STANDARD, "DB50/T 9101-2022"), (STANDARD, "T/LPYX 001-2024")),
    c("豆筋", "zh-2", DOUJIN),
    c("豆干", "zh-2", DOUGAN),
    c("大米", "zh-2", DAMI, (STANDARD, "GB/T 1354-2018")),
    c("山羊", "zh-2", SHANYANG),
    c("竹笋", "zh-2", ZHUSUN),
    c("鸭子", "zh-2", YAZI),
    c("栽培", "zh-2", (STANDARD, "DB50/T 9101-2022"), (STANDARD, "DB50/T 9101-2016")),
    c("稻米", "zh-2", (STANDARD, "NY/T 419-2021")),
    c("卤鸭", "zh-2", (PRODUCER, "91500155MA9000118A"), (PRODUCER, "92500155MA9000142P")),
    c("礼让", "zh-2", (PRODUCER, "93500155MA9000011Q"), (PRODUCER, "93500155MA90001777")),
    c("果汁", "zh-2", (STANDARD, "Q/LPYY 0001S-2025")),
    # three characters and more
    c("梁平柚", "zh-3+", YOU),
    c("张鸭子", "zh-3+", YAZI),
    c("百里竹海", "zh-3+", ZHUSUN),
    c("梁平大米", "zh-3+", DAMI),
    c("梁平山羊", "zh-3+", SHANYANG),
    c("地理标志产品", "zh-3+", (STANDARD, "GB/T 17924-2008")),
    c("栽培技术规程", "zh-3+", (STANDARD, "DB50/T 9101-2022"), (STANDARD, "DB50/T 9101-2016")),
    c("熟肉制品", "zh-3+", (STANDARD, "GB 2726-2016")),
    c("豆制品", "zh-3+", (STANDARD, "GB 2712-2014"), (PRODUCER, "91500155MA90001933")),
    c("产地环境", "zh-3+", (STANDARD, "NY/T 391-2021")),
    c("川西柚子专业合作社", "zh-3+", (PRODUCER, "93500155MA9000011Q")),
    c("采收与保鲜", "zh-3+", (STANDARD, "DB50/T 9103-2021")),
    c("梁平柚 鲜果", "zh-3+", (STANDARD, "T/LPYX 001-2024")),
    # pinyin in full
    c("liangpingyou", "pinyin", YOU),
    c("zhangyazi", "pinyin", YAZI),
    c("doujin", "pinyin", DOUJIN),
    c("shanyang", "pinyin", SHANYANG),
    c("bailizhuhai", "pinyin", ZHUSUN),
    c("liangpingdami", "pinyin", DAMI),
    c("chongqing", "pinyin", ("producers_named", "重庆")),
    # pinyin initials
    c("lpy", "initials", YOU),
    c("zyz", "initials", YAZI),
    c("lpdm", "initials", DAMI),
    c("lpsy", "initials", SHANYANG),
    c("blzh", "initials", ZHUSUN),
    c("lpdj", "initials", DOUJIN),
    # standard codes as people type them
    c("DB50/T 9101", "code", (STANDARD, "DB50/T 9101-2022"), (STANDARD, "DB50/T 9101-2016")),
    c("db50t9101", "code", (STANDARD, "DB50/T 9101-2022"), (STANDARD, "DB50/T 9101-2016")),
    c("DB50/T 9101-2022", "code", (STANDARD, "DB50/T 9101-2022")),
    c("GB/T 17924", "code", (STANDARD, "GB/T 17924-2008")),
    c("gbt1354", "code", (STANDARD, "GB/T 1354-2018")),
    c("NY/T 391", "code", (STANDARD, "NY/T 391-2021")),
    c("T/LPYX 001", "code", (STANDARD, "T/LPYX 001-2024")),
    c("GB 2726-2016", "code", (STANDARD, "GB 2726-2016")),
    # credit codes and registration numbers, exact
    c("93500155MA9000011Q", "id", (PRODUCER, "93500155MA9000011Q")),
    c("91500155ma9000118a", "id", (PRODUCER, "91500155MA9000118A")),
    c("AGI00052", "id", YOU),
    c("12498101", "id", SHANYANG),
    # English names and mixed scripts
    c("pomelo", "en", YOU),
    c("duck", "en", YAZI),
    c("梁平 duck", "mixed", YAZI),
)


def relevant_urls(case: Case) -> list[str]:
    """The URLs of the case's relevant records in the database in use (results are compared by URL)."""
    urls: list[str] = []
    for kind, key in case.relevant:
        if kind == GI:
            objects = GeographicalIndication.objects.filter(slug=key)
        elif kind == PRODUCER:
            objects = Producer.objects.filter(credit_code=key)
        elif kind == STANDARD:
            objects = Standard.objects.filter(code=key)
        elif kind == "producers_named":
            objects = Producer.objects.filter(name__contains=key, live=True).order_by("name")
        else:
            raise ValueError(kind)
        urls.extend(obj.get_absolute_url() for obj in objects)
    return urls


def reciprocal_rank(results: Sequence[str], relevant: Sequence[str]) -> float:
    for rank, url in enumerate(results, start=1):
        if url in relevant:
            return 1.0 / rank
    return 0.0


def recall_at(results: Sequence[str], relevant: Sequence[str], k: int = 5) -> float:
    if not relevant:
        return 0.0
    found = len(set(results[:k]) & set(relevant))
    return found / min(len(set(relevant)), k)


@dataclass
class Score:
    mrr: float
    recall5: float
    per_case: list[tuple[Case, float, float, list[str]]]

    def by_kind(self) -> dict[str, tuple[float, float, int]]:
        out: dict[str, list[tuple[float, float]]] = {}
        for case, rr, recall, _ in self.per_case:
            out.setdefault(case.kind, []).append((rr, recall))
        return {kind: (sum(r for r, _ in v) / len(v), sum(x for _, x in v) / len(v), len(v)) for kind, v in out.items()}


def score(search: Callable[[str], list[str]], cases: Sequence[Case] = CASES) -> Score:
    """Score a search function (query → result URLs, best first) on the set."""
    per_case = []
    for case in cases:
        relevant = relevant_urls(case)
        results = search(case.query)
        per_case.append((case, reciprocal_rank(results, relevant), recall_at(results, relevant), results[:5]))
    n = len(per_case) or 1
    return Score(
        mrr=sum(rr for _, rr, _, _ in per_case) / n,
        recall5=sum(r for _, _, r, _ in per_case) / n,
        per_case=per_case,
    )
