"""Compressed inputs (.gz, .zip), opened as streams that cannot blow up.

A zip archive is checked before anything is unpacked: how many members, how much
they claim to unpack to, and how much each claims to shrink by (a real news export
compresses 3-10 times; a bomb a thousand times).  Claims can lie, so every byte is
counted again as it is read (:class:`~communique.readers.limits.GuardedStream`).
Archives inside archives are not opened.
"""

from __future__ import annotations

import gzip
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Callable, Iterator

from communique.errors import ReadError
from communique.readers.limits import RATIO_FLOOR, Budget, ReadLimits, guarded, human_size

ARCHIVE_SUFFIXES = (".gz", ".zip")


@dataclass(frozen=True, slots=True)
class Input:
    """Something to read: ``source`` names it in messages, ``name`` decides its format."""

    source: str
    name: str
    open: Callable[[], BinaryIO]
    path: Path | None = None  # a file on disk (a zip needs one: it is read from its end)


def is_archive(name: str) -> bool:
    return name.lower().endswith(ARCHIVE_SUFFIXES)


def gunzipped(item: Input, limits: ReadLimits) -> Input | ReadError:
    """The decompressed content of ``x.html.gz``, to be read as ``x.html``."""
    inner = item.name[:-3]
    if is_archive(inner):
        return ReadError(item.source, None, "archives inside archives are not read; unpack the outer one")
    packed = item.path.stat().st_size if item.path is not None else None

    def open_() -> BinaryIO:
        return guarded(gzip.GzipFile(fileobj=item.open(), mode="rb"), limits, packed, item.source)

    return Input(item.source, inner, open_)


def zip_members(item: Input, limits: ReadLimits) -> Iterator[Input | ReadError]:
    """The readable members of a zip archive, in name order, after the bomb checks."""
    if item.path is None:
        yield ReadError(item.source, None, "archives inside archives are not read; unpack the outer one")
        return
    try:
        archive = zipfile.ZipFile(item.path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        yield ReadError(item.source, None, f"not a readable zip archive ({exc})")
        return
    with archive:
        infos = archive.infolist()
        if len(infos) > limits.max_members:
            yield ReadError(item.source, None, f"{len(infos)} files in the archive, more than the "
                                               f"{limits.max_members} allowed; not read")
            return
        claimed = sum(i.file_size for i in infos)
        if claimed > limits.max_unpacked_bytes:
            yield ReadError(item.source, None, f"unpacks to {human_size(claimed)}, more than the "
                                               f"{human_size(limits.max_unpacked_bytes)} allowed; not read")
            return
        budget = Budget()
        for info in sorted(infos, key=lambda i: i.filename):
            name = info.filename
            source = f"{item.source}!{name}"
            if info.is_dir() or _hidden(name):
                continue
            problem = _member_problem(info, limits)
            if problem:
                yield ReadError(source, None, problem)
                continue
            yield Input(source, name, _member_opener(archive, info, limits, budget, source))


def _member_problem(info: zipfile.ZipInfo, limits: ReadLimits) -> str | None:
    if is_archive(info.filename):
        return "archives inside archives are not read; unpack the outer one"
    if info.flag_bits & 0x1:
        return "encrypted; not read"
    if info.file_size > RATIO_FLOOR and info.file_size > limits.max_ratio * max(info.compress_size, 1):
        return (f"claims to unpack from {human_size(info.compress_size)} to {human_size(info.file_size)}, "
                f"more than {limits.max_ratio:.0f} times; not read (zip bomb?)")
    return None


def _member_opener(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: ReadLimits, budget: Budget,
                   source: str) -> Callable[[], BinaryIO]:
    def open_() -> BinaryIO:
        return guarded(archive.open(info), limits, info.compress_size, source, budget)

    return open_


def _hidden(name: str) -> bool:
    # macOS adds __MACOSX/._name resource forks to every zip it makes
    return any(part.startswith(".") or part == "__MACOSX" for part in name.split("/"))
