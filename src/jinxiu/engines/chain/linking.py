"""Auto-linking: which chain nodes an enterprise belongs to, with evidence.

Evidence, per node (all reasons are kept):

- ``main_industry``: the main GB/T 4754 code starts with one of the node's codes;
- ``secondary_industry``: a secondary code does;
- ``scope_product``: a typical product of the node is named in the business scope;
- ``scope_keyword``: a keyword of the node is a word of the business scope.

Grade: **strong** with the main code, or a secondary code backed by the scope; **medium** with
a secondary code alone, a product named, or two different keywords; **weak** with one keyword.
A link to a node is dropped when a node below it is linked as strongly or more (the atlas
counts every node's subtree, so the deeper link carries the same information).

The scope is cut into items at Chinese and Western punctuation, and each item into words with
jieba (every keyword and product of the taxonomy is added to its dictionary). A keyword matches
when its words appear in a row in one item: "棉纺" matches "棉纺纱加工" but not "石棉纺织品"
unless jieba cuts it that way, which it does not when both words are known.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache

from jinxiu.engines.chain.taxonomy import Taxonomy

STRONG, MEDIUM, WEAK = "strong", "medium", "weak"
GRADE_ORDER = {STRONG: 3, MEDIUM: 2, WEAK: 1}

_ITEM_SPLIT = re.compile(r"[；;，,。.、\s（）()：:【】\[\]/]+")


@dataclass(frozen=True)
class Firm:
    """What the linker reads of an enterprise (public registry facts only)."""

    id: int | str
    main_industry: str = ""
    secondary_industries: tuple[str, ...] = ()
    business_scope: str = ""


@dataclass(frozen=True)
class Reason:
    kind: str  # main_industry | secondary_industry | scope_product | scope_keyword
    value: str  # the code, product or keyword that matched


@dataclass(frozen=True)
class Link:
    firm: int | str
    node: str
    grade: str
    reasons: tuple[Reason, ...]

    @property
    def score(self) -> int:
        return GRADE_ORDER[self.grade]


def _grade(reasons: list[Reason]) -> str | None:
    kinds = [r.kind for r in reasons]
    scope = [r for r in reasons if r.kind.startswith("scope_")]
    if "main_industry" in kinds or ("secondary_industry" in kinds and scope):
        return STRONG
    if "secondary_industry" in kinds or "scope_product" in kinds:
        return MEDIUM
    if len({r.value for r in scope}) >= 2:
        return MEDIUM
    if scope:
        return WEAK
    return None


class Linker:
    """Links firms to the nodes of one taxonomy. Build once, call :meth:`link` per firm."""

    def __init__(self, taxonomy: Taxonomy):
        import jieba

        jieba.setLogLevel(logging.WARNING)
        self.taxonomy = taxonomy
        self._tokenizer = jieba.Tokenizer()
        words = {w for n in taxonomy.nodes for w in (*n.keywords, *n.products)}
        for word in sorted(words):
            self._tokenizer.add_word(word, freq=200000)
        self._phrases = {w: tuple(self._tokenizer.lcut(w)) for w in words}
        self._item_words = lru_cache(maxsize=65536)(self._cut_item)
        self._by_first: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
        for word, tokens in self._phrases.items():
            if tokens:
                self._by_first.setdefault(tokens[0], []).append((word, tokens))

    def words(self, text: str) -> list[tuple[str, ...]]:
        """The scope cut into items, each item into words. Items are remembered: scopes are
        written from a catalogue of standard phrases, which repeat across many firms."""
        return [self._item_words(item) for item in _ITEM_SPLIT.split(text or "")
                if item.strip()]

    def _cut_item(self, item: str) -> tuple[str, ...]:
        return tuple(t for t in self._tokenizer.lcut(item) if t.strip())

    def _present(self, items: list[tuple[str, ...]]) -> set[str]:
        """The keywords and products whose words appear in a row in one item."""
        found = set()
        for item in items:
            for i, token in enumerate(item):
                for word, tokens in self._by_first.get(token, ()):
                    if tuple(item[i:i + len(tokens)]) == tokens:
                        found.add(word)
        return found

    def link(self, firm: Firm) -> list[Link]:
        items = self.words(firm.business_scope)
        present = self._present(items)
        main = (firm.main_industry or "").strip()
        secondary = [c.strip() for c in firm.secondary_industries if c and c.strip()]
        links = []
        for node in self.taxonomy.nodes:
            reasons: list[Reason] = []
            for code in node.industry_codes:
                if main and main.startswith(code):
                    reasons.append(Reason("main_industry", main))
                for sec in secondary:
                    if sec.startswith(code) and Reason("secondary_industry", sec) not in reasons:
                        reasons.append(Reason("secondary_industry", sec))
            reasons = list(dict.fromkeys(reasons))
            if present:
                reasons += [Reason("scope_product", p) for p in node.products if p in present]
                products = {r.value for r in reasons}
                reasons += [Reason("scope_keyword", k) for k in node.keywords
                            if k not in products and k in present]
            grade = _grade(reasons)
            if grade is not None:
                links.append(Link(firm.id, node.code, grade, tuple(reasons)))
        return self._most_specific(links)

    def _most_specific(self, links: list[Link]) -> list[Link]:
        """Drop a link to a node when a node below it is linked as strongly or more: the
        atlas counts a node's subtree, so the deeper link says the same and more."""
        best_below: dict[str, int] = {}
        for link in links:
            for ancestor in self.taxonomy.ancestors(link.node):
                best_below[ancestor] = max(best_below.get(ancestor, 0), link.score)
        return [link for link in links if best_below.get(link.node, 0) < link.score]
