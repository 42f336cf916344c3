"""Walking checked expressions: their nodes (aggregate arguments included) and join-tree paths."""
from __future__ import annotations

from ..check.resolved import Agg, EntityRef, Field
from ..expr import ast


def walk(node):
    """The node and all its descendants, depth first, into aggregates' arguments too."""
    yield node
    kids = node.args if isinstance(node, Agg) else ast.children(node)
    for child in kids:
        yield from walk(child)


def node_paths(expr):
    """The join-tree path of every field and entity reference in `expr`."""
    for node in walk(expr):
        if isinstance(node, (Field, EntityRef)):
            yield node.path
