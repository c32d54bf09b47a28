"""Chinese-aware text processing shared by every search engine.

Full-text engines out of the box treat a run of Chinese characters as one word, so "柚子" would not
find "梁平柚子专业合作社". Everything is therefore analysed here, in Python, before it reaches an
engine, and every engine indexes and queries the same tokens:

- **words**: rjieba segmentation (search mode, which also emits the shorter words inside a long
  one) with a user dictionary of the domain's words, so that ranking can prefer whole words;
- **chars**: every CJK character as its own token, so that any run of Chinese characters in a
  query, of any length, matches wherever it occurs when queried as a phrase (word segmentation
  alone misses substrings that are not dictionary words, such as 平柚);
- **pinyin** of titles, in full and by initials, per word (``liangpingyou``, ``lpy`` → 梁平柚)
  and per character (``liang ping you``, ``l p y``), so pinyin typed without spaces also finds
  substrings (``pingyou``);
- **codes**: standard codes, credit codes and registration numbers, folded to one compact form
  (``DB50/T 123-2020`` → ``db50t1232020`` and ``db50t123``) so they are found as typed.

The tokens only ever contain letters and digits, so no query can smuggle syntax into an engine.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from pypinyin import lazy_pinyin

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
_CJK_RE = re.compile(f"[{_CJK}]")
_RUN_RE = re.compile(f"(?P<cjk>[{_CJK}]+)|(?P<word>[^\\W_{_CJK}]+)")
CJK_RUN_RE = re.compile(f"[{_CJK}]+")
_NOT_ALNUM_RE = re.compile(r"[^\w]|_")
_HAN_RE = re.compile("[\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")

#: A query longer than this is refused (400 in the API): nobody types 10 KB into a search box.
MAX_QUERY_CHARS = 200
#: At most this many terms of a query are used; the rest are ignored.
MAX_QUERY_TERMS = 12
#: Only this much of a document's body is indexed.
MAX_BODY_CHARS = 20_000


class QueryError(ValueError):
    """A query the search cannot run (too long); the message is safe to show to the user."""


# --- normalisation -----------------------------------------------------------------------------


@functools.lru_cache(maxsize=4096)
def _normalise_char(char: str) -> str:
    folded = unicodedata.normalize("NFKC", char).lower()
    if folded and ord(folded[0]) < 0x2E80:  # strip accents from Latin letters, never touch CJK/Hangul
        folded = "".join(c for c in unicodedata.normalize("NFKD", folded) if not unicodedata.combining(c))
    return folded


def normalise(text: str) -> str:
    """NFKC (full-width → half-width), lower case, Latin accents removed."""
    return "".join(_normalise_char(c) for c in text or "")


def normalise_with_map(text: str) -> tuple[str, list[int]]:
    """The normalised text and, for each of its characters, the index of the original character."""
    out, index = [], []
    for i, char in enumerate(text or ""):
        folded = _normalise_char(char)
        out.append(folded)
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
    return bool(_CJK_RE.match(char))


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
    return [w for w in _segmenter().cut_for_search(run) if w.strip()]


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


@functools.lru_cache(maxsize=50_000)
def syllables_of(run: str) -> tuple[str, ...]:
    """Toneless pinyin of each character of a CJK run (ü written v); non-Han characters pass through."""
    out = lazy_pinyin(run, errors=lambda s: list(s))
    return tuple(out if len(out) == len(run) else [lazy_pinyin(c, errors=lambda s: list(s))[0] for c in run])


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
    if not folded or _CJK_RE.search(folded) or len(folded) > 40:
        return ""
    has_digit = any(c.isdigit() for c in folded)
    has_alpha = any(c.isalpha() for c in folded)
    if (has_digit and has_alpha and len(folded) >= 3) or (folded.isdigit() and len(folded) >= 6):
        return folded
    return ""


# --- documents ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Analysed:
    """The derived token streams of one document, each a space-separated string of tokens."""

    title_words: str
    title_chars: str
    body_words: str
    body_chars: str
    pinyin: str  # per-word and per-run full pinyin and initials of the title
    syllables: str  # per-character pinyin of the title
    initials: str  # per-character initials of the title
    exact: str  # the whole title as one compact token
    codes: str  # compact identifiers
    # adjacent pairs of the per-character streams: a phrase of pairs finds the same substrings as
    # a phrase of characters, but a rare pair (平柚) drives the match instead of a common character
    title_pairs: str = ""
    body_pairs: str = ""
    syllable_pairs: str = ""
    initial_pairs: str = ""

    def as_dict(self) -> dict[str, str]:
        return dict(self.__dict__)


def pairs(sequence: Iterable[str]) -> list[str]:
    """Adjacent pairs, joined: 梁平柚 → 梁平 平柚; (liang, ping, you) → liangping pingyou."""
    items = list(sequence)
    return [a + b for a, b in zip(items, items[1:], strict=False)]


def char_pairs(text: str) -> list[str]:
    return [pair for kind, run in runs(text) if kind == "cjk" for pair in pairs(run)]


def title_pinyin(title: str) -> tuple[list[str], list[str], list[str], list[str], list[str]]:
    """(word-level tokens, syllables, initials, syllable pairs, initial pairs) of a title."""
    word_tokens: list[str] = []
    syllables: list[str] = []
    initials: list[str] = []
    syllable_pairs: list[str] = []
    initial_pairs: list[str] = []
    for kind, run in runs(title):
        if kind != "cjk" or not _HAN_RE.search(run):
            continue
        run_syllables = syllables_of(run)
        syllables.extend(run_syllables)
        initials.extend(s[0] for s in run_syllables)
        syllable_pairs.extend(pairs(run_syllables))
        initial_pairs.extend(pairs(s[0] for s in run_syllables))
        pieces = [run, *[w for w in cut_for_search(run) if len(w) > 1 and w != run]]
        for piece in pieces:
            if len(piece) < 2:
                continue
            piece_syllables = syllables_of(piece)
            word_tokens.append("".join(piece_syllables))
            word_tokens.append("".join(s[0] for s in piece_syllables))
    return word_tokens, syllables, initials, syllable_pairs, initial_pairs


def analyse(title: str, body: str = "", codes: Iterable[str] = (), aliases: Iterable[str] = ()) -> Analysed:
    """Every token stream a document is indexed with; ``aliases`` (an English name) count as title words."""
    body = (body or "")[:MAX_BODY_CHARS]
    titles = [title, *(a for a in aliases if a)]
    pinyin_tokens, syllables, initials, syllable_pairs, initial_pairs = title_pinyin(title)
    code_tokens: list[str] = []
    for code in codes:
        for form in code_forms(code):
            if form not in code_tokens:
                code_tokens.append(form)
    return Analysed(
        title_words=" ".join(w for t in titles for w in words(t)),
        title_chars=" ".join(c for t in titles for c in chars(t)),
        body_words=" ".join(words(body)),
        body_chars=" ".join(chars(body)),
        pinyin=" ".join(dict.fromkeys(pinyin_tokens)),
        syllables=" ".join(syllables),
        initials=" ".join(initials),
        exact=compact(title),
        codes=" ".join(code_tokens),
        title_pairs=" ".join(p for t in titles for p in char_pairs(t)),
        body_pairs=" ".join(char_pairs(body)),
        syllable_pairs=" ".join(syllable_pairs),
        initial_pairs=" ".join(initial_pairs),
    )


# --- queries -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    """One term of a query. Every term must match (AND); its alternatives are OR-ed.

    ``cjk``: ``chars`` must occur as a phrase (any substring matches); ``words`` only rank.
    ``word``: the word itself, or its pinyin (``syllables`` as a phrase, ``initials`` as a phrase).
    """

    kind: str
    text: str
    chars: tuple[str, ...] = ()
    words: tuple[str, ...] = ()
    syllables: tuple[str, ...] = ()
    initials: tuple[str, ...] = ()


@dataclass(frozen=True)
class ParsedQuery:
    raw: str
    terms: tuple[Term, ...] = ()
    code: str = ""  # compact identifier form when the whole query looks like one
    exact: str = ""  # the whole query compacted, for the exact-title boost
    ignored_terms: int = 0

    @property
    def is_empty(self) -> bool:
        return not self.terms and not self.code


def parse_word(word: str) -> Term:
    syllables = split_pinyin(word) or ()
    initials = tuple(word) if word.isascii() and word.isalpha() and 2 <= len(word) <= 10 else ()
    return Term(kind="word", text=word, syllables=syllables, initials=initials)


def parse_query(query: str | None) -> ParsedQuery:
    """Turn what a user typed into terms. Raises ``QueryError`` for a query that is too long."""
    raw = (query or "").strip()
    if len(raw) > MAX_QUERY_CHARS:
        raise QueryError(f"The query is too long ({len(raw)} characters; at most {MAX_QUERY_CHARS}).")
    terms: list[Term] = []
    for kind, run in runs(raw):
        if kind == "cjk":
            terms.append(Term(kind="cjk", text=run, chars=tuple(run), words=tuple(cut(run))))
        else:
            terms.append(parse_word(run))
    # the same term twice adds nothing
    unique = list(dict.fromkeys(terms))
    kept = unique[:MAX_QUERY_TERMS]
    return ParsedQuery(
        raw=raw,
        terms=tuple(kept),
        code=looks_like_code(raw),
        exact=compact(raw),
        ignored_terms=len(unique) - len(kept),
    )
