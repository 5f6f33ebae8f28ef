#!/usr/bin/env python3
"""An independent oracle for MU's graph operations, built on networkx.

tst_graph_cli runs the real `mu` binary and asks this script what the answers should be. The graph
is read straight from the project's SQLite database (not through MU), the way SPEC §1 defines it:
every node, and every edge of a file in the `files` table whose two ends are nodes.

Request (JSON on stdin):
  {"db": ".../.mu/mubase",
   "nodes": true,                                           -> "nodes": [id, ...] sorted
   "scc": [[edge types], ...],                              -> "scc": [[[id, ...] sorted, ...] sorted, ...]
   "lengths": [{"from", "to", "types", "max_depth"}, ...],  -> "lengths": [hops or null, ...]
   "path_counts": [{"from", "to", "types", "max"}, ...],    -> "path_counts": [min(#shortest paths, max), ...]
   "valid_paths": [{"types", "hops": [[src, type, dst], ...]}, ...] -> "valid_paths": [bool, ...]
   "reach": [{"node", "types", "depth", "direction"}, ...]} -> "reach": [[id, ...] sorted, ...]
Answer: JSON on stdout with the keys asked for.
"""
import itertools
import json
import sqlite3
import sys

import networkx as nx


def load(db_path):
    connection = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    nodes = [row[0] for row in connection.execute("SELECT id FROM nodes")]
    files = {row[0] for row in connection.execute("SELECT path FROM files")}
    node_set = set(nodes)
    edges = [
        (source, target, kind)
        for source, target, kind, path in connection.execute("SELECT source_id, target_id, type, file_path FROM edges")
        if path in files and source in node_set and target in node_set
    ]
    connection.close()
    return sorted(nodes), edges


class Graphs:
    """One DiGraph per edge-type set, built on first use."""

    def __init__(self, nodes, edges):
        self.nodes = nodes
        self.edges = edges
        self.cache = {}

    def get(self, types):
        key = frozenset(types)
        if key not in self.cache:
            graph = nx.DiGraph()
            graph.add_nodes_from(self.nodes)
            graph.add_edges_from((s, t) for s, t, kind in self.edges if kind in key)
            self.cache[key] = graph
        return self.cache[key]

    def typed_edges(self, types):
        key = ("edges", frozenset(types))
        if key not in self.cache:
            self.cache[key] = {(s, kind, t) for s, t, kind in self.edges if kind in key[1]}
        return self.cache[key]


def shortest_length(graph, source, target, max_depth):
    try:
        length = nx.shortest_path_length(graph, source, target)
    except nx.NetworkXNoPath:
        return None
    return length if length <= max_depth else None


def main():
    request = json.load(sys.stdin)
    graphs = Graphs(*load(request["db"]))
    answer = {}
    if request.get("nodes"):
        answer["nodes"] = graphs.nodes
    if "scc" in request:
        answer["scc"] = [
            sorted(sorted(c) for c in nx.strongly_connected_components(graphs.get(types)) if len(c) > 1)
            for types in request["scc"]
        ]
    if "lengths" in request:
        answer["lengths"] = [
            shortest_length(graphs.get(q["types"]), q["from"], q["to"], q["max_depth"]) for q in request["lengths"]
        ]
    if "path_counts" in request:
        counts = []
        for q in request["path_counts"]:
            graph = graphs.get(q["types"])
            if not nx.has_path(graph, q["from"], q["to"]):
                counts.append(0)
                continue
            paths = nx.all_shortest_paths(graph, q["from"], q["to"])
            counts.append(sum(1 for _ in itertools.islice(paths, q["max"])))
        answer["path_counts"] = counts
    if "valid_paths" in request:
        answer["valid_paths"] = [
            all(tuple(hop) in graphs.typed_edges(q["types"]) for hop in q["hops"]) for q in request["valid_paths"]
        ]
    if "reach" in request:
        found = []
        for q in request["reach"]:
            graph = graphs.get(q["types"])
            if q["direction"] == "incoming":
                graph = graph.reverse(copy=False)
            lengths = nx.single_source_shortest_path_length(graph, q["node"], cutoff=q["depth"])
            found.append(sorted(n for n in lengths if n != q["node"]))
        answer["reach"] = found
    json.dump(answer, sys.stdout)


if __name__ == "__main__":
    main()
