"""A SHACL Core validator that compiles shapes into SPARQL for Oxigraph: strict (terms compared as terms,
ill-formed literals never of their datatype) and fast enough for a million triples in seconds.

    from innograph.shacl import validate_files
    for result in validate_files([Path("data.ttl")], Path("shapes.ttl")):
        print(result.as_tuple())
"""

from innograph.shacl.engine import ShaclResult, validate_files, validate_store
from innograph.shacl.shapes import ShapesGraph

__all__ = ["ShaclResult", "ShapesGraph", "validate_files", "validate_store"]
