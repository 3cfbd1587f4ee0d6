"""Resolve what a user types ("den haag", "Alphen a/d Rijn", "Leusdn") to a gemeente, regio or
provincie of the data set.

Only an exact name or alias answers at once. Anything less certain (a typo, the start of a name)
gives candidates to choose from, and nothing below a tested similarity is ever offered: a wrong
municipality's figures read aloud is worse than asking the user to choose.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from engine.model import Municipality
from engine.state import DataSet
from sheets.names.aliases import KNOWN

KINDS: tuple[str, ...] = ("gemeente", "regio", "provincie")  # priority when one name is several
# Candidates offered for a name that is not exact (tests/test_names.py tables every threshold):
TYPO_RATIO = 87.0  # whole name: "Leusdn" 92, "Nieuwegijn" 90; "Heusden"/"Leusden" 86 is not
START_RATIO = 88.0  # the start of a name, typed ≥ 6 letters: "Leidschedam" 91; "Kapelle" 86
MIN_START = 3  # an exact start of a name or of one of its words ("Delf", "Voorburg")
MIN_START_TYPO = 6
MAX_CANDIDATES = 6
CLOSE_SCORE = 70.0  # data checks (`suggest`) may be looser: a sheet writer reads them

# Well-known other names (sheets.names.aliases), used when the canonical name is in the data set.
BUILTIN_ALIASES: dict[str, tuple[str, ...]] = KNOWN
_PREFIXES = {
    "gemeente": "gemeente",
    "regio": "regio",
    "provincie": "provincie",
    "prov": "provincie",
}
_ARTICLES = ("s", "t")  # "Gravenhage 's-" → "'s-Gravenhage"
# Words too common to make two names alike ("Den Bosch" is not "Alphen aan den Rijn").
_FILLERS = frozenset({"aan", "den", "de", "der", "het", "s", "t", "bij", "en", "op"})


@functools.lru_cache(maxsize=8192)  # a sheet repeats each name in every row
def normalise(text: str, *, ij: bool = True) -> str:
    """Casefold, strip accents, read `a/d` as `aan den` and `ij` as `y`, collapse spaces, hyphens
    and apostrophes, and put a trailing article first."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    folded = re.sub(r"\ba\s*[/.]\s*d\b\.?", " aan den ", folded)
    folded = re.sub(r"[^\w]+|_", " ", folded)
    if ij:
        folded = folded.replace("ij", "y")  # Rijswyk = Rijswijk (fuzzy keeps the ij: closer)
    words = folded.split()
    if len(words) > 1 and words[-1] in _ARTICLES:
        words = [words[-1], *words[:-1]]
    return " ".join(words)


@dataclass(frozen=True, slots=True)
class Resolution:
    kind: str | None  # 'gemeente', 'regio', 'provincie', or None when not decided
    name: str | None
    candidates: list[str] = field(default_factory=list)  # to choose from, best first
    exact: bool = False
    ambiguous: bool = False  # several candidates: ask the user to choose
    candidate_kinds: list[str] = field(default_factory=list)  # the kind of each candidate
    other: tuple[str, str] | None = None  # exactly a name of a kind the command does not take

    @property
    def found(self) -> bool:
        return self.kind is not None


@dataclass(frozen=True, slots=True)
class _Entry:
    kind: str
    name: str


DERIVED = "names"  # the key of a DataSet's index in DataSet.derived


class NameIndex:
    """Precomputed normalised keys of every gemeente, regio and provincie."""

    @classmethod
    def of(cls, data: DataSet) -> NameIndex:
        """The DataSet's own index, built once and kept with it (DataSet.derived): a reply, a
        planner or a test that makes a Ctx for the same data does not build it again."""
        index = data.derived.get(DERIVED)
        if index is None:
            index = data.derived[DERIVED] = cls(data)
        return index

    @classmethod
    def current(cls, index: NameIndex | None, municipalities: Iterable[Municipality]) -> NameIndex:
        """`index` while it was built from these very municipalities, a new one otherwise (a
        read rebuilt it after each tab, whether or not the tab added a municipality)."""
        now = tuple(municipalities)
        return index if index is not None and index.built_from == now else cls(now)

    def __init__(self, dataset: DataSet | Iterable[Municipality]) -> None:
        municipalities = (
            [r.municipality for r in dataset.records.values()]
            if isinstance(dataset, DataSet)
            else list(dataset)
        )
        self.built_from = tuple(municipalities)  # so an index can be kept while they are the same
        self._by_key: dict[str, list[_Entry]] = {}
        self._fuzzy: dict[tuple[str, _Entry], None] = {}  # ordered set
        self._texts: dict[tuple[str, _Entry], None] = {}  # every spelling, for candidates
        self._by_compact: dict[str, set[_Entry]] = {}  # keys without spaces, built when needed
        for m in municipalities:
            for alias in (m.name, *m.aliases, *BUILTIN_ALIASES.get(m.name, ())):
                self._add(alias, _Entry("gemeente", m.name))
            if m.regio:
                for variant in _region_variants(m.regio):
                    self._add(variant, _Entry("regio", m.regio))
            if m.provincie:
                self._add(m.provincie, _Entry("provincie", m.provincie))
        self._choices: dict[tuple[str, ...], dict[str, list[_Entry]]] = {}
        self._keys = [(normalise(text, ij=False), entry) for text, entry in self._texts]

    def _add(self, text: str, entry: _Entry) -> None:
        if (text, entry) in self._texts:  # a regio or provincie, once per municipality in it
            return
        self._texts[(text, entry)] = None
        self._fuzzy[(_fuzzy(text), entry)] = None
        key = normalise(text)
        entries = self._by_key.setdefault(key, []) if key else []
        if key and entry not in entries:
            entries.append(entry)
            entries.sort(key=lambda e: KINDS.index(e.kind))

    def names(self, kind: str) -> list[str]:
        return sorted({e.name for es in self._by_key.values() for e in es if e.kind == kind})

    def lookup(self, text: str, kinds: Iterable[str] = KINDS) -> tuple[str, str] | None:
        """Exact or alias hit only (what data in a sheet must use): (kind, canonical name)."""
        allowed = tuple(kinds)
        for entry in self._by_key.get(normalise(text), ()):
            if entry.kind in allowed:
                return entry.kind, entry.name
        return None

    def _compact(self, text: str, kinds: tuple[str, ...]) -> tuple[str, str] | None:
        """A name typed without its spaces ("Denhaag"): the same name, when only one fits."""
        if not self._by_compact:
            for key, entries in self._by_key.items():
                for entry in entries:
                    self._by_compact.setdefault(key.replace(" ", ""), set()).add(entry)
        hits = [
            e
            for e in self._by_compact.get(normalise(text).replace(" ", ""), ())
            if e.kind in kinds
        ]
        return (hits[0].kind, hits[0].name) if len(hits) == 1 else None

    def resolve(self, text: str, kinds: Iterable[str] = KINDS) -> Resolution:
        """An exact name or alias of an allowed kind, else candidates; see the module docstring."""
        allowed = tuple(kinds)
        words = normalise(text).split(" ", 1)
        if len(words) == 2 and words[0] in _PREFIXES and _PREFIXES[words[0]] in allowed:
            if (hit := self.lookup(text, allowed)) is not None:  # "Regio Amersfoort"
                return Resolution(hit[0], hit[1], exact=True)
            allowed = (_PREFIXES[words[0]],)  # "gemeente Leusden", "provincie Utrecht"
            text = words[1]
        if (hit := self.lookup(text, allowed) or self._compact(text, allowed)) is not None:
            return Resolution(hit[0], hit[1], exact=True)
        if (hit := self.lookup(text)) is not None:  # exactly a name of another kind
            return Resolution(None, None, other=hit)
        found = self.candidates(text, allowed)
        return Resolution(
            None,
            None,
            [e.name for e in found],
            ambiguous=len(found) > 1,
            candidate_kinds=[e.kind for e in found],
        )

    def candidates(self, text: str, kinds: Iterable[str] = KINDS) -> list[_Entry]:
        """Names close enough to offer, best first: exact starts, then typos by similarity."""
        typed = normalise(text, ij=False)
        if len(typed.replace(" ", "")) < MIN_START:
            return []
        allowed = tuple(kinds)
        best: dict[_Entry, tuple[int, float]] = {}
        for key, entry in self._keys:
            if entry.kind not in allowed:
                continue
            rank = _closeness(typed, key)
            if rank is not None and (entry not in best or rank > best[entry]):
                best[entry] = rank
        order = sorted(best, key=lambda e: (-best[e][0], -best[e][1], KINDS.index(e.kind), e.name))
        return order[:MAX_CANDIDATES]

    def suggest(
        self, text: str, kinds: Iterable[str] = KINDS, limit: int = 1, cutoff: float = CLOSE_SCORE
    ) -> list[str]:
        """The closest names, best first, for a 'bedoelt u …?' in a data-check message."""
        ranked = self._ranked(text, tuple(kinds))
        return [e.name for score, e in ranked if score >= cutoff][:limit]

    def _ranked(self, text: str, kinds: tuple[str, ...]) -> list[tuple[float, _Entry]]:
        """One entry per name (its best key), best first; kinds in priority order on ties."""
        if not normalise(text):
            return []
        if kinds not in self._choices:
            choices: dict[str, list[_Entry]] = {}
            for k, entry in self._fuzzy:
                if entry.kind in kinds and entry not in choices.setdefault(k, []):
                    choices[k].append(entry)
            for entries in choices.values():
                entries.sort(key=lambda e: KINDS.index(e.kind))
            self._choices[kinds] = choices
        choices = self._choices[kinds]
        hits = process.extract(_fuzzy(text), list(choices), scorer=fuzz.WRatio, limit=25)
        best: dict[str, tuple[float, _Entry]] = {}
        for hit_key, score, _ in hits:
            for entry in choices[hit_key]:
                if entry.kind in kinds and (entry.name not in best or score > best[entry.name][0]):
                    best[entry.name] = (score, entry)
        return sorted(best.values(), key=lambda se: (-se[0], KINDS.index(se[1].kind), se[1].name))


def _fuzzy(text: str) -> str:
    """The key fuzzy matching compares: fillers dropped, `ij` kept (closer for typos)."""
    key = normalise(text, ij=False)
    return " ".join(w for w in key.split() if w not in _FILLERS) or key


def _region_variants(regio: str) -> list[str]:
    """'Regio Utrecht (U16)' is also found as 'Regio Utrecht', 'U16' and, where the command asks
    for a region, 'Utrecht' (`/regio Amersfoort` is Regio Amersfoort)."""
    variants = [regio]
    if match := re.fullmatch(r"(.*?)\s*\((.+)\)\s*", regio):
        variants += [match.group(1), match.group(2)]
    for variant in list(variants):
        if match := re.fullmatch(r"regio\s+(.+)", variant, flags=re.IGNORECASE):
            variants.append(match.group(1))
    return variants


def _closeness(typed: str, key: str) -> tuple[int, float] | None:
    """How close a typed text is to one spelling of a name, or None when too far to offer:
    (3 whole words at the start of the name or of a word, 2 an exact start, 1 a typo; similarity).
    `ij` and `y` are tried both ways ("Ysselst" starts IJsselstein)."""
    return max(
        (
            r
            for r in (_close(typed, key), _close(typed.replace("ij", "y"), key.replace("ij", "y")))
            if r is not None
        ),
        default=None,
    )


def _close(typed: str, key: str) -> tuple[int, float] | None:
    starts = [0] + [m.start() + 1 for m in re.finditer(" ", key)]
    starts = [i for i in starts if i == 0 or key[i:].split(" ", 1)[0] not in _FILLERS]
    whole = fuzz.ratio(typed, key)
    for i in starts:
        if key.startswith(typed, i):
            after = key[i + len(typed) : i + len(typed) + 1]
            return (3 if after in ("", " ") else 2), whole
    if typed.replace(" ", "") == key.replace(" ", ""):  # "Denhaag", "LeidschendamVoorburg"
        return 3, 100.0
    if whole >= TYPO_RATIO:
        return 1, whole
    if len(typed) >= MIN_START_TYPO:
        start = max(
            fuzz.ratio(typed, key[i : i + len(typed) + extra]) for i in starts for extra in (0, 1)
        )
        if start >= START_RATIO:
            return 1, start
    return None
