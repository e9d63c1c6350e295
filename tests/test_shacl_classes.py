"""sh:class and sh:targetClass in the compiled engine: a node's types are looked up among the class's subclasses,
listed when the shapes are compiled, instead of walking rdf:type/rdfs:subClassOf* per value. The results must
be those of the path, on a hierarchy with deep, diamond, cyclic and blank-node subclasses (the differential
suite compares both with pySHACL and Jena on the curated graph)."""

from __future__ import annotations

from collections import Counter

import pyoxigraph as ox
import pytest

from innograph.shacl import engine
from innograph.shacl.compile import TYPE_PATH
from innograph.shacl.shapes import ShapesGraph

PREFIXES = """
@prefix ex: <http://example.org/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
"""

HIERARCHY = """
ex:B rdfs:subClassOf ex:A .
ex:C rdfs:subClassOf ex:B .
ex:D rdfs:subClassOf ex:B , ex:C .   # two ways up
ex:E rdfs:subClassOf ex:F .
ex:F rdfs:subClassOf ex:E , ex:A .   # a cycle, under A
ex:Other rdfs:subClassOf ex:Unrelated .
"""

VALUES = """
ex:s1 ex:p ex:a , ex:b , ex:c , ex:d , ex:e , ex:other , ex:untyped , "a literal" , ex:twoTypes .
ex:a a ex:A . ex:b a ex:B . ex:c a ex:C . ex:d a ex:D . ex:e a ex:E . ex:other a ex:Other .
ex:twoTypes a ex:Other , ex:C .
ex:s1 a ex:Holder . ex:s2 a ex:D . ex:s3 a ex:Other . ex:s4 a ex:E .
"""

SHAPES = """
ex:HolderShape a sh:NodeShape ; sh:targetClass ex:Holder ;
    sh:property [ sh:path ex:p ; sh:class ex:A ] .
ex:AShape a sh:NodeShape ; sh:targetClass ex:A ;
    sh:property [ sh:path ex:q ; sh:minCount 1 ] .
"""

BLANK_SUBCLASS = "[] rdfs:subClassOf ex:A .\nex:x a ex:A ."


def store_of(*parts: str) -> ox.Store:
    store = ox.Store()
    store.load(PREFIXES + "\n".join(parts), format=ox.RdfFormat.TURTLE)
    return store


def shapes() -> ShapesGraph:
    return ShapesGraph(ox.parse(PREFIXES + SHAPES, format=ox.RdfFormat.TURTLE))


def results(store: ox.Store) -> Counter:
    return Counter(r.as_tuple() for r in engine.validate_store(store, shapes(), parallel=False))


def by_path(store: ox.Store, monkeypatch: pytest.MonkeyPatch) -> Counter:
    """The results with every class tested through the path, as before the lookup."""
    with monkeypatch.context() as patch:
        patch.setattr(engine, "subclasses_in", lambda store, options: None)
        return results(store)


def test_the_lookup_gives_the_results_of_the_path(monkeypatch):
    store = store_of(HIERARCHY, VALUES)
    found = results(store)
    assert found == by_path(store, monkeypatch)
    values = {r[2] for r in found if r[3].endswith("ClassConstraintComponent>")}
    assert values == {"<http://example.org/other>", "<http://example.org/untyped>", '"a literal"'}
    # the targets of ex:A, found through the path: instances of A and of every class under it, cycle included
    focus = {r[0] for r in found if r[3].endswith("MinCountConstraintComponent>")}
    expected = {"a", "b", "c", "d", "e", "twoTypes", "s2", "s4"}
    assert focus == {f"<http://example.org/{name}>" for name in expected}


def test_the_classes_are_listed_not_walked():
    store = store_of(HIERARCHY, VALUES)
    queries = engine.compile_queries(store, shapes(), {})
    text = " ".join(q.first or q.text for q in queries if any(c.component == "class" for c in q.constraints))
    assert TYPE_PATH not in text
    for name in ("A", "B", "C", "D", "E", "F"):
        assert f"<http://example.org/{name}>" in text
    assert "<http://example.org/Other>" not in text


def test_a_blank_node_subclass_is_walked_through_the_path(monkeypatch):
    """A query cannot name a blank node: a class with one among its subclasses keeps the path."""
    store = store_of(HIERARCHY, VALUES, BLANK_SUBCLASS)
    queries = engine.compile_queries(store, shapes(), {})
    text = " ".join(q.first or q.text for q in queries if any(c.component == "class" for c in q.constraints))
    assert TYPE_PATH in text
    assert results(store) == by_path(store, monkeypatch)


def test_a_very_large_hierarchy_is_walked_through_the_path(monkeypatch):
    many = "\n".join(f"ex:K{i} rdfs:subClassOf ex:A ." for i in range(600))
    store = store_of(HIERARCHY, VALUES, many, "ex:k a ex:K599 . ex:s1 ex:p ex:k .")
    monkeypatch.setattr("innograph.shacl.compile.MAX_LISTED_CLASSES", 500)
    queries = engine.compile_queries(store, shapes(), {})
    text = " ".join(q.first or q.text for q in queries if any(c.component == "class" for c in q.constraints))
    assert TYPE_PATH in text
    assert "<http://example.org/k>" not in {r[2] for r in results(store)}
