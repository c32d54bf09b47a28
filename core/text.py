"""Chinese-aware text analysis: normalisation, word segmentation, pinyin and identifier forms.

The search service (``search.text``) indexes and queries with these functions, and the registry's
admin search (``gi_registry.admin_search``) builds its search text with them, so a name is cut,
spelled in pinyin and folded the same way everywhere. It lives in ``core`` because both use it and
the registry sits below the search app.

- **normalise**: NFKC (full-width → half-width), lower case, Latin accents removed;
- **runs**: the text as runs of CJK characters and runs of letters/digits;
- **segmentation**: rjieba with a user dictionary of the domain's words (梁平柚 stays whole);
- **pinyin**: toneless syllables of a CJK run (``syllables_of``), and ``split_pinyin`` for typed
  pinyin without spaces (``liangpingyou`` → liang ping you);
- **codes**: standard codes, credit codes and registration numbers folded to one compact form
  (``DB50/T 123-2020`` → ``db50t1232020`` and ``db50t123``).
"""

from __future__ import annotations

import functools
import re
import unicodedata

from pypinyin import Style
from pypinyin.converter import DefaultConverter
from pypinyin.core import Pinyin

#: The domain's words, so rjieba keeps them whole (it cuts 梁平柚 into 梁平 / 柚 otherwise).
DOMAIN_WORDS = (
    "梁平",
    "梁平区",
    "梁平柚",
    "梁平柚子",
    "梁平大米",
    "梁平山羊",
    "梁平豆筋",
    "梁平豆干",
    "张鸭子",
    "梁平张鸭子",
    "豆筋",
    "豆干",
    "豆制品",
    "腐竹",
    "竹笋",
    "笋干",
    "百里竹海",
    "五子",
    "五子登科",
    "丰味梁平",
    "万石耕春",
    "三峡晒秋",
    "稻子",
    "柚子",
    "鸭子",
    "豆子",
    "笋子",
    "卤鸭",
    "稻鸭共生",
    "地理标志",
    "地理标志产品",
    "地理标志保护产品",
    "地理标志证明商标",
    "地理标志集体商标",
    "证明商标",
    "集体商标",
    "农产品地理标志",
    "专用标志",
    "区域公共品牌",
    "合作社",
    "专业合作社",
    "家庭农场",
    "个体工商户",
    "统一社会信用代码",
    "技术规程",
    "栽培技术规程",
    "绿色食品",
    "食品安全",
    "地方标准",
    "团体标准",
    "企业标准",
    "双桂街道",
    "梁山街道",
    "仁贤街道",
    "金带街道",
    "礼让镇",
    "重庆",
)

# Han ideographs (BMP, extensions, compatibility), 〇, kana and Hangul syllables: one token per character.
_CJK = "\u3007\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003134f"
CJK_RE = re.compile(f"[{_CJK}]")
_RUN_RE = re.compile(f"(?P<cjk>[{_CJK}]+)|(?P<word>[^\\W_{_CJK}]+)")
CJK_RUN_RE = re.compile(f"[{_CJK}]+")
_NOT_ALNUM_RE = re.compile(r"[^\w]|_")
HAN_RE = re.compile("[\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")

# --- normalisation -----------------------------------------------------------------------------


@functools.lru_cache(maxsize=4096)
def _normalise_char(char: str) -> str:
    folded = unicodedata.normalize("NFKC", char).lower()
    if folded and ord(folded[0]) < 0x2E80:  # strip accents from Latin letters, never touch CJK/Hangul
        folded = "".join(c for c in unicodedata.normalize("NFKD", folded) if not unicodedata.combining(c))
    return folded


class _FoldTable(dict):
    """``str.translate`` table of ``_normalise_char``, filled as characters are met (a code point's
    folded form never changes, so this is a cache; capped so odd input cannot grow it forever)."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        folded = _normalise_char(char)
        if len(folded) != 1:  # recorded even past the cap: a few thousand code points in all of Unicode
            _NOT_ONE_TO_ONE.add(char)
        if len(self) < 200_000:
            self[code] = folded
        return folded


_FOLD = _FoldTable()
#: The characters met so far that fold into several characters or into none (``ﬁ``, a lone
#: combining accent): text without any of them folds one character to one.
_NOT_ONE_TO_ONE: set[str] = set()


def normalise(text: str) -> str:
    """NFKC (full-width → half-width), lower case, Latin accents removed (character by character)."""
    if not text:
        return ""
    if text.isascii():  # ASCII is its own NFKC form and has no accents: only the case changes
        return text.lower()
    return text.translate(_FOLD)


def normalise_with_map(text: str) -> tuple[str, list[int]]:
    """The normalised text and, for each of its characters, the index of the original character."""
    if not text:
        return "", []
    if text.isascii():  # one character each, only the case changes (as ``normalise``)
        return text.lower(), list(range(len(text)))
    folded = text.translate(_FOLD)  # every character of the text is now known to the table
    if _NOT_ONE_TO_ONE.isdisjoint(text):
        return folded, list(range(len(text)))
    out, index = [], []
    fold = _FOLD
    for i, char in enumerate(text):
        folded = fold[ord(char)]
        out.append(folded)
        if len(folded) == 1:
            index.append(i)
        else:
            index.extend([i] * len(folded))
    return "".join(out), index


def compact(text: str) -> str:
    """Only the letters, digits and CJK characters of the normalised text: the form codes are compared in."""
    return "".join(run for _, run in runs(text))


def runs(text: str) -> list[tuple[str, str]]:
    """The normalised text as (kind, run) pairs: ``cjk`` runs and ``word`` runs (letters/digits).

    Code points in the CJK blocks that are not letters (unassigned ones) separate runs, as they
    do in every engine's tokenizer.
    """
    out = []
    for match in _RUN_RE.finditer(normalise(text)):
        if match.lastgroup == "cjk" and not match.group(0).isalnum():
            out.extend(("cjk", part) for part in _NOT_ALNUM_RE.split(match.group(0)) if part)
        else:
            out.append((match.lastgroup, match.group(0)))
    return out


def is_cjk(char: str) -> bool:
    return bool(CJK_RE.match(char))


# --- segmentation ------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _segmenter():
    """One rjieba segmenter with the domain's words added (not the module's shared default)."""
    import rjieba

    jieba = rjieba.Jieba()
    for word in DOMAIN_WORDS:
        jieba.add_word(word, None, None)
    return jieba


def cut(run: str) -> list[str]:
    """The words of a CJK run (precise mode)."""
    return [w for w in _segmenter().cut(run) if w.strip()]


def cut_for_search(run: str) -> list[str]:
    """The words of a CJK run and the shorter dictionary words inside the long ones."""
    return list(_cut_for_search(run))


@functools.lru_cache(maxsize=50_000)  # runs are cut at punctuation: short strings
def _cut_for_search(run: str) -> tuple[str, ...]:
    # the same run is cut the same way every time: names and sentences repeat across documents
    return tuple(w for w in _segmenter().cut_for_search(run) if w.strip())


def words(text: str) -> list[str]:
    """Index tokens for ranking: segmented words of CJK runs, letter/digit words as they are."""
    tokens: list[str] = []
    for kind, run in runs(text):
        tokens.extend(cut_for_search(run) if kind == "cjk" else [run])
    return tokens


def chars(text: str) -> list[str]:
    """Index tokens for matching: each CJK character alone; letter/digit words as they are."""
    tokens: list[str] = []
    for kind, run in runs(text):
        tokens.extend(run if kind == "cjk" else [run])
    return tokens


# --- pinyin ------------------------------------------------------------------------------------


def _keep(chars: str) -> list[str]:
    """pypinyin's ``errors``: a character without pinyin stands for itself."""
    return list(chars)


class _CachedConverter(DefaultConverter):
    """pypinyin's converter, remembering the toneless pinyin of each segment it converts.

    pypinyin cuts a run into segments (its phrase dictionary decides, so a polyphonic character
    keeps its reading in context: 重庆 is chongqing) and converts each segment on its own; most of
    the time goes into that conversion, and the same segments (梁平, 合作社, 柚子) recur in every
    title. The memo only answers calls made exactly as ``syllables_of`` makes them.
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._memo: dict[str, tuple[tuple[str, ...], ...]] = {}

    def convert(self, words, style, heteronym, errors, strict, **kwargs):
        if style != Style.NORMAL or heteronym or errors is not _keep or not strict or kwargs:
            return super().convert(words, style, heteronym, errors, strict, **kwargs)
        found = self._memo.get(words)
        if found is None:
            found = tuple(tuple(p) for p in super().convert(words, style, heteronym, errors, strict))
            if len(self._memo) < 200_000:
                self._memo[words] = found
        return list(found)


_PINYIN = Pinyin(_CachedConverter())


def lazy_pinyin(hans: str) -> list[str]:
    """pypinyin's ``lazy_pinyin`` (toneless, one reading), characters without pinyin kept as they are."""
    return _PINYIN.lazy_pinyin(hans, style=Style.NORMAL, errors=_keep, strict=True)


@functools.lru_cache(maxsize=200_000)
def syllables_of(run: str) -> tuple[str, ...]:
    """Toneless pinyin of each character of a CJK run (ü written v); non-Han characters pass through."""
    out = lazy_pinyin(run)
    return tuple(out if len(out) == len(run) else [lazy_pinyin(c)[0] for c in run])


def initials_of(run: str) -> list[str]:
    return [s[0] for s in syllables_of(run)]


@functools.lru_cache(maxsize=1)
def pinyin_syllables() -> frozenset[str]:
    """Every toneless pinyin syllable pypinyin knows (≈420), for splitting ``liangpingyou``."""
    from pypinyin.pinyin_dict import pinyin_dict

    found = set()
    for readings in pinyin_dict.values():
        for reading in readings.split(","):
            plain = unicodedata.normalize("NFD", reading).replace("u\u0308", "v")
            plain = "".join(c for c in plain if not unicodedata.combining(c))
            if plain.isascii() and plain.isalpha() and plain not in {"m", "n", "ng", "hm", "hng", "ê"}:
                found.add(plain)
    return frozenset(found)


@functools.lru_cache(maxsize=2048)
def split_pinyin(word: str) -> tuple[str, ...] | None:
    """``liangpingyou`` → (liang, ping, you); None when the letters are not a run of pinyin syllables.

    Among the possible splits the one with the fewest syllables wins (``xian`` → xian, not xi an).
    """
    if not word.isascii() or not word.isalpha() or len(word) > 60:
        return None
    known = pinyin_syllables()
    best: list[tuple[str, ...] | None] = [None] * (len(word) + 1)
    best[0] = ()
    for end in range(1, len(word) + 1):
        for start in range(max(0, end - 6), end):
            head = best[start]
            if head is not None and word[start:end] in known:
                candidate = (*head, word[start:end])
                if best[end] is None or len(candidate) < len(best[end]):
                    best[end] = candidate
    return best[len(word)]


# --- codes -------------------------------------------------------------------------------------

_YEAR_SUFFIX_RE = re.compile(r"^(.*\w)\s*-\s*(?:19|20)\d\d$")


def code_forms(value: str) -> list[str]:
    """The compact forms an identifier is found by.

    ``DB50/T 123-2020`` → ``db50t1232020`` and ``db50t123`` (the code without its year, as people
    type it); a credit code or registration number → its compact form.
    """
    value = re.sub("[—–‐―]", "-", unicodedata.normalize("NFKC", value or "")).strip()
    forms = [compact(value)]
    match = _YEAR_SUFFIX_RE.match(value)
    if match:
        forms.append(compact(match.group(1)))
    return [f for i, f in enumerate(forms) if f and f not in forms[:i]]


def looks_like_code(text: str) -> str:
    """The compact form of a query that may be an identifier (letters and digits, or 6+ digits), else ''."""
    folded = compact(text)
    if not folded or CJK_RE.search(folded) or len(folded) > 40:
        return ""
    has_digit = any(c.isdigit() for c in folded)
    has_alpha = any(c.isalpha() for c in folded)
    if (has_digit and has_alpha and len(folded) >= 3) or (folded.isdigit() and len(folded) >= 6):
        return folded
    return ""
