"""Read the Procfile: one `name: command` per line (comments and blank lines ignored)."""

from __future__ import annotations

from pathlib import Path

PROCFILE = Path(__file__).resolve().parent.parent / "Procfile"


def read_procfile(path: Path = PROCFILE) -> dict[str, str]:
    """Process name to shell command, in file order."""
    entries: dict[str, str] = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, _, command = line.partition(":")
        entries[name.strip()] = command.strip()
    return entries
