"""Text that is safe to show on a terminal.

A label is data, and data can hold control characters: ``ESC ]0;…BEL`` retitles a terminal window,
``ESC [2J`` clears the screen, a bidirectional override makes text read in another order than it is
stored. ``innograph validate`` flags them in the graph; everything innograph prints goes through
:func:`printable` (the command line wraps standard output and error in :class:`PrintableStream`), so
that such a character is shown as a visible escape such as ``\\x1b`` or ``\\u202e`` and never acts.

Text is also measured as a terminal shows it (:func:`display_width`): a Chinese character takes two
columns, a combining mark none, so that tables with Chinese labels line up.
"""

from __future__ import annotations

import io
import re
import unicodedata

# C0 controls except tab and newline, DEL, C1 controls, and the bidirectional embeddings, overrides and
# isolates (U+202A-U+202E, U+2066-U+2069).
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """``text`` with every character that could act on a terminal shown as a visible escape."""
    return UNSAFE.sub(_escape, text)


def display_width(text: str) -> int:
    """Terminal columns ``text`` takes: East Asian wide and fullwidth characters two, combining marks and
    other zero-width characters none, everything else one."""
    width = 0
    for char in text:
        if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def pad(text: str, width: int) -> str:
    """``text`` followed by spaces up to ``width`` display columns."""
    return text + " " * max(width - display_width(text), 0)


def printable_rdf(data: bytes) -> bytes:
    """Turtle or N-Triples with every unsafe character written as a ``\\uXXXX`` escape, which both syntaxes
    read back as the same character (serialisers escape control characters already, not bidirectional
    overrides; neither may stand in a prefixed name, so they only occur in strings and IRIs)."""
    text = data.decode("utf-8")
    return UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04X}", text).encode("utf-8")


class PrintableStream(io.TextIOBase):
    """A text stream that escapes unsafe characters on their way to the stream it wraps; bytes written
    to ``.buffer`` (Turtle from a serialiser that escapes them itself) pass unchanged."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(printable(text))
        return len(text)

    def flush(self) -> None:
        self._stream.flush()

    def fileno(self) -> int:
        return self._stream.fileno()

    def isatty(self) -> bool:
        return self._stream.isatty()

    def writable(self) -> bool:
        return True

    @property
    def buffer(self):
        return self._stream.buffer

    @property
    def encoding(self):
        return self._stream.encoding

    @property
    def errors(self):
        return self._stream.errors
