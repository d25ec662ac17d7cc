"""Reading an index through memory maps: Whoosh's own reader either seeks and reads the file for
every term lookup (slow in a typo or prefix search) or, for a compound segment, copies the whole
file into memory (the whole postings of a segment). A map is shared with the page cache and
costs neither."""

from __future__ import annotations

import io
import mmap
import os
import struct
from typing import Any

from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import StructFile
from whoosh.index import FileIndex

_BYTE = struct.Struct("!B")
_USHORT = struct.Struct("!H")
_INT = struct.Struct("!i")
_UINT = struct.Struct("!I")
_LONG = struct.Struct("!q")
_ULONG = struct.Struct("!Q")
_FLOAT = struct.Struct("!f")


class MappedFile(StructFile):  # type: ignore[misc]
    """A read-only file, or a slice of one, served from a memory map without copying."""

    is_closed: bool
    onclose: Any

    def __init__(self, mm: mmap.mmap, offset: int, length: int, name: str | None) -> None:
        self._mm = mm
        self._buf = memoryview(mm)[offset : offset + length]
        self._offset = offset
        self._length = length
        self._pos = 0
        self._label = name
        super().__init__(self, name=name)  # Whoosh pickles from `.file`: this reads like a file

    @property
    def buffer(self) -> memoryview:
        """The file's bytes, a view of the map (no copy)."""
        return self._buf

    def read(self, n: int | None = -1) -> bytes:
        """Up to `n` bytes (all that is left when negative) from the current position."""
        start = self._pos
        end = self._length if n is None or n < 0 else min(self._length, start + n)
        self._pos = end
        return bytes(self._buf[start:end])

    def peek(self, n: int = 1) -> bytes:
        """Bytes ahead without moving: pickle then reads a whole pickle in one or two calls
        instead of one `read` per opcode."""
        return bytes(self._buf[self._pos : self._pos + max(n, 1)])

    def readline(self, size: int | None = -1) -> bytes:
        """One line (pickle reads text protocols line by line)."""
        limit = self._length if size is None or size < 0 else min(self._length, self._pos + size)
        found = self._mm.find(b"\n", self._offset + self._pos, self._offset + limit)
        end = limit if found < 0 else found - self._offset + 1
        return self.read(end - self._pos)

    def seek(self, pos: int, whence: int = 0) -> int:
        """Move the position, as a file does."""
        base = {0: 0, 1: self._pos, 2: self._length}[whence]
        self._pos = max(0, base + pos)
        return self._pos

    def tell(self) -> int:
        """The current position."""
        return self._pos

    def get(self, position: int, length: int) -> bytes:
        """`length` bytes at `position`, the position unchanged."""
        return bytes(self._buf[position : position + length])

    def get_byte(self, position: int) -> int:
        """An unsigned byte at `position`."""
        return int(_BYTE.unpack_from(self._buf, position)[0])

    def get_ushort(self, position: int) -> int:
        """A big-endian unsigned short at `position`."""
        return int(_USHORT.unpack_from(self._buf, position)[0])

    def get_int(self, position: int) -> int:
        """A big-endian int at `position`."""
        return int(_INT.unpack_from(self._buf, position)[0])

    def get_uint(self, position: int) -> int:
        """A big-endian unsigned int at `position`."""
        return int(_UINT.unpack_from(self._buf, position)[0])

    def get_long(self, position: int) -> int:
        """A big-endian long at `position`."""
        return int(_LONG.unpack_from(self._buf, position)[0])

    def get_ulong(self, position: int) -> int:
        """A big-endian unsigned long at `position`."""
        return int(_ULONG.unpack_from(self._buf, position)[0])

    def get_float(self, position: int) -> float:
        """A big-endian float at `position`."""
        return float(_FLOAT.unpack_from(self._buf, position)[0])

    def subset(self, offset: int, length: int, name: str | None = None) -> MappedFile:
        """A part of this file (a compound segment's member file), sharing the map."""
        return MappedFile(self._mm, self._offset + offset, length, name or self._label)

    def flush(self) -> None:
        """Nothing to flush: the file is read-only."""

    def close(self) -> None:
        """Let go of the view (the map itself closes when no view uses it)."""
        if self.is_closed:
            raise ValueError("This file is already closed")
        if self.onclose:
            self.onclose(self)
        self._buf.release()
        self.is_closed = True


class MappedStorage(FileStorage):  # type: ignore[misc]
    """A folder whose files are opened as memory maps (for reading; writing is Whoosh's own)."""

    # Compound segments: Whoosh would copy its own map into memory; it takes zero-copy
    # slices of ours instead (CompoundStorage falls back on `subset` when mmap is off).
    supports_mmap = False

    def open_file(self, name: str, **kwargs: Any) -> StructFile:
        """The file `name`, mapped (an empty file cannot be mapped: read normally)."""
        with open(os.path.join(self.folder, name), "rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            if size == 0:
                return StructFile(io.BytesIO(b""), name=name, **kwargs)
            mm = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        f = MappedFile(mm, 0, size, name)
        f.onclose = kwargs.get("onclose")
        return f


def open_mapped(folder: str, schema: Any) -> FileIndex:
    """The index in `folder`, read through memory maps."""
    return MappedStorage(folder, readonly=True).open_index(schema=schema)
