"""Full-text search over the registry with Chinese word segmentation (jieba).

Each enterprise keeps ``search_index``: its name, short name, former names, credit code and
business scope as written, followed by their jieba search-mode tokens, lower case. It is
rebuilt whenever the enterprise is saved, and when its organization's name or code changes
(``signals.py``). The database indexes it word by word (``fulltext.py``: SQLite FTS5,
PostgreSQL GIN). A query matches an enterprise when the index has a word beginning with the
whole query, or a word beginning with each of the query's own tokens.
"""

from __future__ import annotations

import logging
import re
from functools import cache, lru_cache

from django.db.models import Q

MAX_TERMS = 8


@cache
def _jieba():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


def tokens(text: str) -> list[str]:
    """Search-mode tokens of ``text`` (lower case, punctuation and spaces dropped).

    jieba cuts each run of Chinese, Latin letters and digits on its own, so the runs are cut
    here one by one and each run's tokens are remembered (``_run_tokens``): business scopes
    are written from a catalogue of standard phrases (经营范围规范表述), which repeat across
    thousands of firms. The tokens are those of cutting the whole text."""
    text = (text or "").strip().lower()
    if not text:
        return []
    found: list[str] = []
    for run in _jieba().re_han_default.split(text):
        if run:  # the punctuation between runs too: "；", "（" … repeat in every scope
            found.extend(_run_tokens(run))
    return found


def _kept(words) -> list[str]:
    return [w for w in (w.strip() for w in words) if w and _WORD.search(w)]


_WORD = re.compile(r"\w")


@lru_cache(maxsize=65536)
def _run_tokens(run: str) -> tuple[str, ...]:
    return tuple(_kept(_jieba().cut_for_search(run)))


def index_text(*, name: str, short_name: str = "", former_names=(), credit_code: str = "",
               business_scope: str = "") -> str:
    raw = [name, short_name, *former_names, credit_code, business_scope]
    raw = [r.strip().lower() for r in raw if r and r.strip()]
    seen: dict[str, None] = {}
    for part in raw[:-1] if business_scope else raw:
        for token in tokens(part):
            seen.setdefault(token, None)
    if business_scope:
        for token in tokens(business_scope):
            seen.setdefault(token, None)
    return " ".join(raw) + " | " + " ".join(seen)


def search_q(value: str, field: str = "search_index") -> Q:
    """Rows whose index has a word starting with the whole query, or with each of its
    tokens (through the full-text index; ``field`` is the registry's ``search_index``)."""
    from jinxiu.apps.enterprises.fulltext import match_q

    if field != "search_index":
        raise ValueError(f"only search_index has a full-text index, not {field}")
    value = value.strip().lower()
    terms = [t for t in dict.fromkeys(tokens(value)) if t != value][:MAX_TERMS]
    if len(terms) < 2:
        return match_q(value, [])
    if set(terms) == set(value.split()):
        # "鞋业 鹿城": the whole query is a phrase of exactly its words (each a prefix), so
        # every firm it finds has a word starting with each of them too: the words alone
        # find the same firms, without the phrase's position checks (on PostgreSQL a third
        # of the search's time)
        return match_q("", terms)
    return match_q(value, terms)
