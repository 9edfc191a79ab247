"""Peers measured in the same run as us: installed into throwaway virtual environments.

A peer lives in ``bench/.peers/<name>`` (gitignored), created on first use with the
packages the benchmark names, so the numbers always compare like with like on this machine.
"""

from __future__ import annotations

import subprocess
import sys
import venv
from pathlib import Path

PEERS_DIR = Path(__file__).resolve().parent / ".peers"


def peer_python(name: str, packages: list[str]) -> Path:
    """The Python of a virtual environment holding ``packages``, created if needed."""
    home = PEERS_DIR / name
    python = home / "bin" / "python"
    stamp = home / ".installed"
    wanted = " ".join(sorted(packages))
    if not python.exists():
        venv.EnvBuilder(with_pip=True, clear=True).create(home)
    if not stamp.exists() or stamp.read_text() != wanted:
        print(f"installing {wanted} into {home} ...", file=sys.stderr)
        subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", "--upgrade", "pip"], check=True
        )
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", *packages], check=True)
        stamp.write_text(wanted)
    return python
