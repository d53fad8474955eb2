"""The lineage diagram: a lineage view's edges drawn as inline SVG, server-side, no library.

Layout: generations run left to right. Successor and recommended-replacement edges (older ->
newer, as the lineage view orients them) put their target in a later column (longest path,
so a chain reads as a chain). Snapshots and variants hang under the model they pin or vary,
in the same column, joined by a bracket on the left. Within a column, nodes follow the
average row of what points at them, which keeps most lines straight.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from html import escape

NEXT = ("successor", "recommended replacement")  # edges to a later column
HANGING = ("snapshot", "variant")  # edges to a node drawn under its base

WIDTH, HEIGHT = 210, 46
COLUMN_GAP, ROW_GAP, INDENT = 90, 16, 18
MARGIN = 20
MAX_LABEL = 27


@dataclass
class _Node:
    id: str
    label: str
    column: int = 0
    row: int = 0
    indent: int = 0  # depth under a base node (snapshots, variants)

    @property
    def x(self) -> int:
        return MARGIN + self.column * (WIDTH + COLUMN_GAP) + self.indent * INDENT

    @property
    def y(self) -> int:
        return MARGIN + self.row * (HEIGHT + ROW_GAP)


def lineage_svg(root: str, edges: list[dict], labels: dict[str, str | None],
                href: Callable[[str], str]) -> str:
    """SVG markup for `edges` ({from, relation, to, sources, stale}) around `root`."""
    edges = [e for e in edges if e["relation"] in NEXT + HANGING and e["from"] != e["to"]]
    ids = [root] + sorted({e[k] for e in edges for k in ("from", "to")} - {root})
    nodes = {i: _Node(i, labels.get(i) or i) for i in ids}
    _assign_columns(nodes, edges)
    _assign_rows(nodes, edges, root)
    width = max(n.x for n in nodes.values()) + WIDTH + MARGIN
    height = max(n.y for n in nodes.values()) + HEIGHT + MARGIN
    parts = [
        (f'<svg class="lineage" xmlns="http://www.w3.org/2000/svg" width="{width}" '
         f'height="{height}" viewBox="0 0 {width} {height}" role="img" '
         f'aria-labelledby="lineage-title">'),
        (f'<title id="lineage-title">Lineage of {escape(nodes[root].label)}: '
         f'{len(nodes) - 1} related models, {len(edges)} stated relations</title>'),
        ('<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
         'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z"/></marker>'
         '</defs>'),
    ]
    parts += [_edge(e, nodes) for e in edges]
    parts += [_node(n, n.id == root, href) for n in nodes.values()]
    parts.append("</svg>")
    return "\n".join(parts)


def _assign_columns(nodes: dict[str, _Node], edges: list[dict]) -> None:
    forward = [(e["from"], e["to"]) for e in edges if e["relation"] in NEXT]
    for _ in range(len(nodes)):  # longest path; bounded, so a cycle cannot loop forever
        changed = False
        for start, end in forward:
            if nodes[end].column < nodes[start].column + 1:
                nodes[end].column = min(nodes[start].column + 1, len(nodes))
                changed = True
        if not changed:
            break
    on_main = {n for pair in forward for n in pair}
    hanging = [(e["from"], e["to"]) for e in edges if e["relation"] in HANGING]
    for _ in range(len(nodes)):
        for base, child in hanging:
            if child not in on_main:
                nodes[child].column = nodes[base].column
                nodes[child].indent = min(nodes[base].indent + 1, 3)
    lowest = min(n.column for n in nodes.values())
    for node in nodes.values():
        node.column -= lowest


def _assign_rows(nodes: dict[str, _Node], edges: list[dict], root: str) -> None:
    children: dict[str, list[str]] = defaultdict(list)
    hung = set()
    for e in edges:
        if e["relation"] in HANGING and nodes[e["to"]].indent:
            children[e["from"]].append(e["to"])
            hung.add(e["to"])
    incoming: dict[str, list[str]] = defaultdict(list)
    for e in edges:
        if e["relation"] in NEXT:
            incoming[e["to"]].append(e["from"])
    placed: set[str] = set()
    for column in sorted({n.column for n in nodes.values()}):
        main = [n for n in nodes.values() if n.column == column and n.id not in hung]

        def weight(node: _Node) -> tuple:
            rows = [nodes[p].row for p in incoming[node.id] if p in placed]
            return (sum(rows) / len(rows) if rows else -1, node.id != root, node.id)

        row = 0
        for node in sorted(main, key=weight):
            for member in _with_hanging(node.id, children):
                if member in placed:
                    continue
                nodes[member].row = row
                placed.add(member)
                row += 1


def _with_hanging(node: str, children: dict[str, list[str]], seen=frozenset()) -> Iterable[str]:
    yield node
    for child in sorted(children.get(node, [])):
        if child not in seen:
            yield from _with_hanging(child, children, seen | {node})


def _edge(edge: dict, nodes: dict[str, _Node]) -> str:
    a, b = nodes[edge["from"]], nodes[edge["to"]]
    relation = edge["relation"]
    kind = relation.replace(" ", "-")
    sources = ", ".join(edge.get("sources") or []) or "no source"
    tip = (f"{a.label} → {relation} → {b.label} (stated by {sources}"
           f"{'; stale' if edge.get('stale') else ''})")
    if relation in HANGING:  # bracket from the base's left side down to the child's
        x = min(a.x, b.x) - INDENT // 2 + 2
        d = (f"M{a.x},{a.y + HEIGHT // 2} H{x} V{b.y + HEIGHT // 2} H{b.x}")
        label = ""
    else:
        x1, y1 = a.x + WIDTH, a.y + HEIGHT // 2
        x2, y2 = b.x, b.y + HEIGHT // 2
        if b.column <= a.column:  # a cycle or same-generation statement: curve around
            x2 = b.x + WIDTH
            d = f"M{x1},{y1} C{x1 + 40},{y1} {x2 + 40},{y2} {x2},{y2}"
        else:
            mid = (x1 + x2) // 2
            d = f"M{x1},{y1} C{mid},{y1} {mid},{y2} {x2},{y2}"
        text = "replacement" if relation == "recommended replacement" else relation
        label = (f'<text class="edge-label" x="{(x1 + x2) // 2}" y="{(y1 + y2) // 2 - 5}" '
                 f'text-anchor="middle">{escape(text)}</text>')
    stale = " stale" if edge.get("stale") else ""
    return (f'<g class="edge {kind}{stale}"><title>{escape(tip)}</title>'
            f'<path d="{d}" marker-end="url(#arrow)"/>{label}</g>')


def _node(node: _Node, is_root: bool, href: Callable[[str], str]) -> str:
    label = node.label if len(node.label) <= MAX_LABEL else node.label[:MAX_LABEL - 1] + "…"
    cls = "node root" if is_root else "node"
    caption = node.id if len(node.id) <= MAX_LABEL + 4 else node.id[:MAX_LABEL + 3] + "…"
    return (
        f'<a class="{cls}" href="{escape(href(node.id))}"><title>{escape(node.label)} '
        f'({escape(node.id)})</title>'
        f'<rect x="{node.x}" y="{node.y}" width="{WIDTH}" height="{HEIGHT}" rx="6"/>'
        f'<text x="{node.x + 10}" y="{node.y + 19}" class="label">{escape(label)}</text>'
        f'<text x="{node.x + 10}" y="{node.y + 36}" class="id">{escape(caption)}</text></a>'
    )
