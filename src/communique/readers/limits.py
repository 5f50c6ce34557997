"""How much a reader accepts, and the streams that enforce it.

A hostile or broken input (a 10 GB "page", a zip bomb, ``/dev/zero`` named
``news.txt``) must cost at most a bounded amount of memory and time: every byte a
reader takes passes through one of these guards, which raise :class:`LimitExceeded`
with a message saying which limit was hit and how to raise it.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import BinaryIO

MB = 1_000_000

# The pipeline codes at most this many characters of a document (communique.pipeline.MAX_CHARS,
# not imported: readers must not load spaCy); a longer text is refused whole, with a message,
# rather than silently coded in part.
PARSER_MAX_CHARS = 1_000_000

# Below this many unpacked bytes a high compression ratio is harmless (a page of
# repeated menu items compresses 100:1); above it, it is the mark of a bomb.
RATIO_FLOOR = 10 * MB


@dataclass(frozen=True, slots=True)
class ReadLimits:
    max_bytes: int = 20 * MB  # one document's raw input: a file, line, row, archive member or download
    max_chars: int = PARSER_MAX_CHARS  # one document's text, as the parser accepts it
    max_members: int = 10_000  # files in one zip archive
    max_unpacked_bytes: int = 4_000 * MB  # everything unpacked from one archive
    max_ratio: float = 100.0  # unpacked : packed size, past RATIO_FLOOR


class LimitExceeded(Exception):
    """An input went past a limit; the message names the limit and the option that sets it."""


_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmg]i?b?|b)?\s*$", re.IGNORECASE)
_UNITS = {"": 1, "b": 1, "k": 1_000, "m": MB, "g": 1_000 * MB, "ki": 1 << 10, "mi": 1 << 20, "gi": 1 << 30}


def parse_size(text: str) -> int:
    """``"20MB"`` → 20000000; also ``500k``, ``1.5GB``, ``64MiB`` and plain byte counts."""
    match = _SIZE.match(text)
    if not match:
        raise ValueError(f"{text!r} is not a size: use a number of bytes or e.g. 500kB, 20MB, 1GB")
    unit = (match.group(2) or "").lower().removesuffix("b")
    value = int(float(match.group(1)) * _UNITS[unit])
    if value <= 0:
        raise ValueError(f"{text!r}: the size must be more than zero")
    return value


def human_size(n: int) -> str:
    for unit, size in (("GB", 1_000 * MB), ("MB", MB), ("kB", 1_000)):
        if n >= size:
            return f"{n / size:.1f} {unit}".replace(".0 ", " ")
    return f"{n} bytes"


def read_at_most(stream: BinaryIO, limit: int, what: str = "input") -> bytes:
    """The whole stream, or LimitExceeded once it passes ``limit`` bytes (never reads more than limit + 1)."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise LimitExceeded(f"{what} is larger than {human_size(limit)} (raise the limit with --max-bytes)")
    return data


class Budget:
    """Unpacked bytes so far, shared by all the members of one archive."""

    __slots__ = ("used",)

    def __init__(self) -> None:
        self.used = 0


class GuardedStream(io.RawIOBase):
    """Counts what is read from an unpacking stream and stops a bomb.

    ``packed_size`` is the size of the compressed data it comes from: the ratio of
    bytes read so far to it only grows, so checking it as we go is sound.
    """

    def __init__(self, inner: BinaryIO, limits: ReadLimits, packed_size: int | None, what: str,
                 budget: Budget | None = None) -> None:
        super().__init__()
        self._inner = inner
        self._limits = limits
        self._packed = packed_size
        self._what = what
        self._budget = budget or Budget()
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        data = self._inner.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        self.count += n
        self._budget.used += n
        self._check()
        return n

    def _check(self) -> None:
        limits = self._limits
        if self._budget.used > limits.max_unpacked_bytes:
            raise LimitExceeded(f"{self._what}: more than {human_size(limits.max_unpacked_bytes)} unpacked; "
                                "stopped (decompression bomb?)")
        if self._packed is not None and self.count > RATIO_FLOOR and self.count > limits.max_ratio * max(self._packed, 1):
            raise LimitExceeded(f"{self._what}: unpacks to more than {limits.max_ratio:.0f} times its packed size "
                                f"({human_size(self._packed)} → over {human_size(self.count)}); stopped "
                                "(decompression bomb?)")

    def close(self) -> None:
        try:
            self._inner.close()
        finally:
            super().close()


def guarded(inner: BinaryIO, limits: ReadLimits, packed_size: int | None, what: str,
            budget: Budget | None = None) -> io.BufferedReader:
    return io.BufferedReader(GuardedStream(inner, limits, packed_size, what, budget), buffer_size=1 << 16)


def bounded_lines(stream: BinaryIO, max_line: int):
    """``(line_number, bytes)`` per line; an over-long line comes as ``(n, None)`` and is skipped
    without being held in memory."""
    lineno = 0
    while True:
        raw = stream.readline(max_line + 1)
        if not raw:
            return
        lineno += 1
        if len(raw) > max_line and not raw.endswith(b"\n"):
            while True:  # drain the rest of the line in bounded pieces
                rest = stream.readline(1 << 20)
                if not rest or rest.endswith(b"\n"):
                    break
            yield lineno, None
            continue
        yield lineno, raw
