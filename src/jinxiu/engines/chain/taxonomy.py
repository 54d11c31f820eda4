"""The chain taxonomy: nodes in a tree, read from a YAML file (or plain dicts)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import yaml

DATA = Path(__file__).parent / "data"
DEFAULT_TAXONOMY = DATA / "textile_apparel_footwear.yaml"


class TaxonomyError(ValueError):
    """A taxonomy file that cannot be used; the message names the node and the reason."""


@dataclass(frozen=True)
class Node:
    code: str
    name: str
    parent: str | None = None
    en: str = ""
    industry_codes: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    products: tuple[str, ...] = ()
    technologies: tuple[str, ...] = ()
    applications: tuple[str, ...] = ()
    source: str = ""


@dataclass(frozen=True)
class Taxonomy:
    """Nodes in file order; parents come before their children."""

    nodes: tuple[Node, ...]
    id: str = ""
    version: str = ""
    name: str = ""
    source: str = ""
    _index: dict = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self):
        seen: dict[str, Node] = {}
        for node in self.nodes:
            if node.code in seen:
                raise TaxonomyError(f"node {node.code}: the code is used twice")
            if node.parent is not None and node.parent not in seen:
                raise TaxonomyError(f"node {node.code}: parent {node.parent} is unknown or "
                                    "comes after it")
            seen[node.code] = node
        self._index.update(seen)

    def __getitem__(self, code: str) -> Node:
        return self._index[code]

    def __contains__(self, code: str) -> bool:
        return code in self._index

    @cached_property
    def children(self) -> dict[str | None, list[str]]:
        out: dict[str | None, list[str]] = {}
        for node in self.nodes:
            out.setdefault(node.parent, []).append(node.code)
        return out

    def level(self, code: str) -> int:
        depth, node = 1, self[code]
        while node.parent is not None:
            depth, node = depth + 1, self[node.parent]
        return depth

    def path(self, code: str) -> list[str]:
        """Codes from the root down to ``code``."""
        out, node = [code], self[code]
        while node.parent is not None:
            out.append(node.parent)
            node = self[node.parent]
        return out[::-1]

    def ancestors(self, code: str) -> list[str]:
        return self.path(code)[:-1]

    def descendants(self, code: str) -> list[str]:
        out, stack = [], list(self.children.get(code, []))
        while stack:
            current = stack.pop(0)
            out.append(current)
            stack.extend(self.children.get(current, []))
        return out

    def extended(self, extra: list[Node]) -> Taxonomy:
        """This taxonomy with a region's own nodes added (each under a known parent)."""
        known = set(self._index)
        pending, ordered = list(extra), []
        while pending:
            progress = [n for n in pending if n.parent in known]
            if not progress:
                names = ", ".join(f"{n.code} (parent {n.parent})" for n in pending)
                raise TaxonomyError(f"nodes without a known parent: {names}")
            for node in progress:
                ordered.append(node)
                known.add(node.code)
                pending.remove(node)
        return Taxonomy(self.nodes + tuple(ordered), id=self.id, version=self.version,
                        name=self.name, source=self.source)


def _strings(value, where: str, key: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, (str, int)) for v in value):
        raise TaxonomyError(f"node {where}: {key} must be a list of strings")
    return tuple(str(v).strip() for v in value if str(v).strip())


def taxonomy_from_dict(data: dict) -> Taxonomy:
    if not isinstance(data, dict) or not isinstance(data.get("nodes"), list):
        raise TaxonomyError("a taxonomy needs a list of nodes")
    default_source = str(data.get("source") or "").strip()
    nodes: list[Node] = []

    def walk(items, parent):
        for item in items:
            if not isinstance(item, dict) or not item.get("code") or not item.get("name"):
                raise TaxonomyError(f"under {parent or 'the root'}: every node needs a code "
                                    "and a name")
            code = str(item["code"])
            nodes.append(Node(
                code=code, name=str(item["name"]), parent=item.get("parent", parent),
                en=str(item.get("en") or ""),
                industry_codes=_strings(item.get("industry_codes"), code, "industry_codes"),
                keywords=_strings(item.get("keywords"), code, "keywords"),
                products=_strings(item.get("products"), code, "products"),
                technologies=_strings(item.get("technologies"), code, "technologies"),
                applications=_strings(item.get("applications"), code, "applications"),
                source=str(item.get("source") or default_source).strip(),
            ))
            walk(item.get("children") or [], code)

    walk(data["nodes"], None)
    return Taxonomy(tuple(nodes), id=str(data.get("id") or ""),
                    version=str(data.get("version") or ""), name=str(data.get("name") or ""),
                    source=default_source)


def read_taxonomy(path: str | Path = DEFAULT_TAXONOMY) -> Taxonomy:
    with Path(path).open(encoding="utf-8") as handle:
        return taxonomy_from_dict(yaml.safe_load(handle))
