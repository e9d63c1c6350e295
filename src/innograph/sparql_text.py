"""Find keywords in SPARQL text without parsing it: is there a ``SERVICE`` (or ``LOAD``) that would make
the engine fetch another URL?

A lexical check rather than a parse, because it guards engines whose parsers we do not control (the
Oxigraph server behind ``innograph serve``, the embedded engines), and it has to agree with them on every
query that they would run. It therefore errs one way only: it may call a query suspect that no engine would
read as using the keyword, never the reverse.

- Comments, string literals and IRIs are dropped: ``"SERVICE"``, ``<http://x/SERVICE>`` and ``# SERVICE``
  are words inside something else.
- Variables (``?service``) and the local part of prefixed names (``ex:SERVICE``, ``:service``) are dropped:
  a parser always reads them whole.
- Anywhere else, any word that merely *contains* the keyword counts, in any case: Oxigraph's grammar is a
  PEG that matches keywords without word boundaries (``{ ?s ?p true SERVICE … }`` may be written
  ``trueSERVICE``), and a prefix such as ``SERVICE:x`` can be read as the keyword followed by ``:x``.
- ``\\uXXXX`` escapes may be decoded before the grammar sees the text (SPARQL 1.1, 19.2) or not (newer
  Oxigraph releases); the text is checked both ways.
"""

from __future__ import annotations

import re

# Tried at each position in this order: tokens whose content is dropped, then text kept as it is.
_TOKENS = re.compile(
    r"""
      (?P<comment> \#[^\n\r]* )
    | (?P<long>    \"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\" | '''(?:[^'\\]|\\.|'(?!''))*''' )
    | (?P<short>   "(?:[^"\\\n\r]|\\.)*" | '(?:[^'\\\n\r]|\\.)*' )
    | (?P<iri>     <[^<>"{}|^`\\\x00-\x20]*> )
    | (?P<var>     [?$][A-Za-z0-9_]+ )
    | (?P<local>   :[A-Za-z0-9_:\-]* )
    | (?P<plain>   [^#"'<?$:]+ )
    | (?P<other>   . )
    """,
    re.VERBOSE | re.DOTALL,
)
_UNICODE_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def _decode_escapes(text: str) -> str:
    def char(match: re.Match) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code <= 0x10FFFF else match.group(0)

    return _UNICODE_ESCAPE.sub(char, text)


def residue(text: str) -> str:
    """The text with comments, strings, IRIs, variables and local names replaced by a space each: what a
    keyword could hide in."""
    return "".join(m.group() if m.lastgroup in ("plain", "other") else " " for m in _TOKENS.finditer(text))


def uses_keyword(text: str, keyword: str) -> bool:
    """True if ``keyword`` may be read as a keyword of ``text`` (see the module's notes: errs towards True)."""
    wanted = keyword.casefold()
    return any(wanted in residue(variant).casefold() for variant in {text, _decode_escapes(text)})


def uses_service(text: str) -> bool:
    """True if the query or update may call another endpoint (``SERVICE``)."""
    return uses_keyword(text, "SERVICE")


def uses_load(text: str) -> bool:
    """True if the update may make the store fetch a document (``LOAD``)."""
    return uses_keyword(text, "LOAD")
