"""Generated files as one value, and the zip they are downloaded as."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

# Fixed entry timestamps make the same bindings the same bytes (cacheable, comparable).
_EPOCH = (1980, 1, 1, 0, 0, 0)
_FILE_MODE = 0o100644 << 16  # a regular file, rw-r--r--, as unzip restores it


@dataclass(frozen=True, slots=True)
class Bindings:
    """The files of one language's bindings, by relative path, all under one top-level folder."""

    files: dict[str, bytes]
    main_file: str  # the file that defines the detail type: the one to open first

    @property
    def folder(self) -> str:
        return self.main_file.split("/", 1)[0]


def to_zip(bindings: Bindings) -> bytes:
    """The bindings as a zip archive: entries sorted, timestamps fixed, so equal input gives
    equal bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(bindings.files):
            info = zipfile.ZipInfo(path, date_time=_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = _FILE_MODE
            info.create_system = 3  # Unix, so the mode above is honoured
            archive.writestr(info, bindings.files[path])
    return buffer.getvalue()
