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
from sheets.aliases import KNOWN

KINDS: tuple[str, ...] = ("gemeente", "regio", "provincie")  # priority when one name is several
# Candidates offered for a name that is not exact (tests/test_names.py tables every threshold):
TYPO_RATIO = 80.0  # whole name: "Leusdn" 92, "Nieuwegijn" 90; "Amsterdam"/"Alblasserdam" 67
START_RATIO = 88.0  # the start of a name, typed ≥ 6 letters: "Leidschedam" 91; "Kapelle" 86
MIN_START = 3  # an exact start of a name or of one of its words ("Delf", "Voorburg")
MIN_START_TYPO = 6
MAX_CANDIDATES = 6
CLOSE_SCORE = 70.0  # data checks (`suggest`) may be looser: a sheet writer reads them

# Well-known other names (sheets.aliases), used when the canonical name is in the data set.
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
    candidates: list[str] = field(default_factory=list)  # to choose from, or suggestions
    exact: bool = False
    ambiguous: bool = False  # several close names: ask the user to choose from `candidates`

    @property
    def found(self) -> bool:
        return self.kind is not None


@dataclass(frozen=True, slots=True)
class _Entry:
    kind: str
    name: str


class NameIndex:
    """Precomputed normalised keys of every gemeente, regio and provincie."""

    def __init__(self, dataset: DataSet | Iterable[Municipality]) -> None:
        municipalities = (
            [r.municipality for r in dataset.records.values()]
            if isinstance(dataset, DataSet)
            else list(dataset)
        )
        self._by_key: dict[str, list[_Entry]] = {}
        self._fuzzy: dict[tuple[str, _Entry], None] = {}  # ordered set
        for m in municipalities:
            for alias in (m.name, *m.aliases, *BUILTIN_ALIASES.get(m.name, ())):
                self._add(alias, _Entry("gemeente", m.name))
            if m.regio:
                for variant in _region_variants(m.regio):
                    self._add(variant, _Entry("regio", m.regio))
            if m.provincie:
                self._add(m.provincie, _Entry("provincie", m.provincie))
        self._choices: dict[tuple[str, ...], dict[str, list[_Entry]]] = {}

    def _add(self, text: str, entry: _Entry) -> None:
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

    def resolve(self, text: str, kinds: Iterable[str] = KINDS) -> Resolution:
        """What the user most likely means; see the module docstring for the rules."""
        allowed = tuple(kinds)
        words = normalise(text).split(" ", 1)
        if len(words) == 2 and words[0] in _PREFIXES and _PREFIXES[words[0]] in allowed:
            if (hit := self.lookup(text, allowed)) is not None:  # "Regio Amersfoort"
                return Resolution(hit[0], hit[1], exact=True)
            allowed = (_PREFIXES[words[0]],)  # "gemeente Leusden", "provincie Utrecht"
            text = words[1]
        if (hit := self.lookup(text, allowed)) is not None:
            return Resolution(hit[0], hit[1], exact=True)
        if self.lookup(text) is not None:  # exactly a name of another kind: not a typo of ours
            return Resolution(None, None)
        ranked = self._ranked(text, allowed)
        if not ranked:
            return Resolution(None, None)
        (best_score, best), runner_up = ranked[0], ranked[1][0] if len(ranked) > 1 else 0.0
        if best_score >= ACCEPT_SCORE and best_score - runner_up >= ACCEPT_LEAD:
            return Resolution(best.kind, best.name)
        close = [e.name for score, e in ranked if score >= CLOSE_SCORE]
        if len(close) > 1:  # most literally alike first: "Delf" → Delft, then Midden-Delfland
            close.sort(key=lambda name: -fuzz.ratio(_fuzzy(text), _fuzzy(name)))
            return Resolution(None, None, close[:MAX_CLOSE], ambiguous=True)
        return Resolution(None, None, close or [e.name for _, e in ranked[:MAX_SUGGESTIONS]])

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
    """'Regio Utrecht (U16)' is also found as 'Regio Utrecht' and 'U16'."""
    variants = [regio]
    if match := re.fullmatch(r"(.*?)\s*\((.+)\)\s*", regio):
        variants += [match.group(1), match.group(2)]
    return variants
