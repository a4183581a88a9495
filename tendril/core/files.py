"""Files that hold secrets or personal data, created readable by Tendril's own user only.

The SQLite database, uploaded CSV files, the generated secret key and the first admin's
password are created with mode 0600 (their folders 0700) from the start, rather than written
with the umask's 0644 and tightened afterwards: no moment exists when another local user could
open them. Plain ``os`` calls only, so ``settings.py`` can use this module before Django starts.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import IO, Any

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700


def private_dir(path: Path) -> Path:
    """``path`` as a folder, created 0700 if it is new (an existing folder is left as it is)."""
    path.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    return path


def _private_opener(path: str, flags: int) -> int:
    return os.open(path, flags, PRIVATE_FILE)


def private_open(path: Path, mode: str = "xb") -> IO[Any]:
    """``open(path, mode)``, a new file being created with mode 0600."""
    return open(path, mode, opener=_private_opener)


def private_touch(path: Path) -> Path:
    """Create ``path`` empty with mode 0600 unless it exists (e.g. before SQLite opens it)."""
    with contextlib.suppress(FileExistsError):
        private_open(path, "xb").close()
    return path


def private_write(path: Path, text: str) -> None:
    """Write ``text`` to ``path``, which ends up with mode 0600 even if it existed."""
    with private_open(path, "w") as out:
        os.fchmod(out.fileno(), PRIVATE_FILE)
        out.write(text)
