"""The actor network as GraphML, for Gephi, yEd, Cytoscape or networkx."""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape, quoteattr

_NODE_KEYS = (("name", "string"), ("kind", "string"), ("country", "string"), ("events", "int"))
_EDGE_KEYS = (("weight", "int"), ("cooperation", "int"), ("conflict", "int"), ("goldstein", "double"))


def graphml(graph: dict[str, Any]) -> str:
    """A directed graph: nodes are actors, an edge source → target carries the event count as ``weight``."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">']
    for name, kind in _NODE_KEYS:
        lines.append(f'  <key id="{name}" for="node" attr.name="{name}" attr.type="{kind}"/>')
    for name, kind in _EDGE_KEYS:
        lines.append(f'  <key id="{name}" for="edge" attr.name="{name}" attr.type="{kind}"/>')
    lines.append('  <graph id="communique" edgedefault="directed">')
    for node in graph["nodes"]:
        lines.append(f'    <node id={quoteattr(node["actor_id"])}>')
        lines += _data(node, _NODE_KEYS)
        lines.append("    </node>")
    for i, edge in enumerate(graph["edges"]):
        lines.append(f'    <edge id="e{i}" source={quoteattr(edge["source"])} target={quoteattr(edge["target"])}>')
        lines += _data({**edge, "weight": edge["events"]}, _EDGE_KEYS)
        lines.append("    </edge>")
    lines += ["  </graph>", "</graphml>", ""]
    return "\n".join(lines)


def _data(item: dict[str, Any], keys: tuple[tuple[str, str], ...]) -> list[str]:
    return [f'      <data key="{name}">{escape(str(item[name]))}</data>'
            for name, _ in keys if item.get(name) is not None]
