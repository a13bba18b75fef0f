"""The two folders the app may touch: the working folder (scenario files are read from it
and saved into it) and the results folder (every study writes there, as the CLI does).

Every path the page names is resolved here and refused unless it lies inside one of them,
so a crafted field (``../../etc/passwd``, an absolute path, a symbolic link out) can
neither read nor write anything else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..core import HeartSimError
from ..scenario import builtin_scenarios
from ..study import folder_kind

# Folders never searched for scenario files: virtual environments, caches, version control.
SKIPPED = {".venv", "venv", ".git", "__pycache__", "node_modules", ".mypy_cache", ".ruff_cache"}
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,80}$")  # a scenario name usable as a file name
MOST_FILES = 200  # scenario files listed at most (a working folder, not a file system)


class OutsideError(HeartSimError):
    """A path outside the working and results folders."""


@dataclass(frozen=True)
class Workspace:
    """The working folder and the results folder, both resolved."""

    work: Path
    results: Path

    @classmethod
    def at(cls, work: Path | str, results: Path | str) -> Workspace:
        work_path = Path(work).resolve()
        results_path = (work_path / results).resolve()
        return cls(work_path, results_path)

    def inside(self, given: str | Path, root: Path | None = None) -> Path:
        """``given`` resolved (relative to ``root``, else to the working folder), if it lies
        inside ``root`` (else inside the working or results folder); else ``OutsideError``."""
        path = ((root or self.work) / given).resolve()
        roots = [root] if root is not None else [self.work, self.results]
        if not any(path == r or r in path.parents for r in roots):
            raise OutsideError(f"{given}: outside the working folder {self.work}; refused")
        return path

    def scenario_files(self) -> list[str]:
        """The YAML files under the working folder (not under the results folder), as paths
        relative to it, that look like scenarios (they have a name: or extends: key)."""
        found: list[str] = []
        for path in sorted(self.work.rglob("*.y*ml")):
            rel = path.relative_to(self.work)
            if SKIPPED & set(rel.parts) or self.results in path.parents:
                continue
            if path.suffix not in (".yaml", ".yml") or not _looks_like_scenario(path):
                continue
            found.append(rel.as_posix())
            if len(found) >= MOST_FILES:
                break
        return found

    def options_files(self) -> list[str]:
        """The budget options files under the working folder (an ``options:`` key)."""
        out = []
        for path in sorted(self.work.rglob("*.y*ml")):
            rel = path.relative_to(self.work)
            if SKIPPED & set(rel.parts) or self.results in path.parents:
                continue
            try:
                head = path.read_text(errors="replace")[:20_000]
            except OSError:
                continue
            if re.search(r"^options:", head, re.MULTILINE):
                out.append(rel.as_posix())
        return out

    def results_folders(self) -> list[tuple[str, str]]:
        """(folder relative to the results folder, its kind) for every results folder under
        it, of every kind, newest first; the ``<name>`` links to the newest run are skipped
        (their target is listed)."""
        if not self.results.is_dir():
            return []
        found = []
        for manifest in self.results.rglob("manifest.json"):
            folder = manifest.parent
            if folder.is_symlink() or any(p.is_symlink() for p in folder.parents):
                continue
            try:
                kind = folder_kind(folder)
            except HeartSimError:
                continue
            found.append((manifest.stat().st_mtime, folder.relative_to(self.results), kind))
        for fit in self.results.rglob("fit.csv"):  # a fit's report folder has no manifest
            folder = fit.parent
            found.append((fit.stat().st_mtime, folder.relative_to(self.results), "fit"))
        found.sort(key=lambda t: t[0], reverse=True)
        return [(rel.as_posix(), kind) for _, rel, kind in found]


def _looks_like_scenario(path: Path) -> bool:
    try:
        head = path.read_text(errors="replace")[:20_000]
    except OSError:
        return False
    return bool(re.search(r"^(extends|name|programs):", head, re.MULTILINE)) and not re.search(
        r"^(options|targets):", head, re.MULTILINE
    )


def builtin_names() -> list[str]:
    """The built-in scenarios, by name."""
    return sorted(builtin_scenarios())


def check_name(name: str) -> str:
    """A new scenario's name, if it can also be its file's name; else a one-line error."""
    if not NAME.match(name):
        raise HeartSimError(
            f"name {name!r}: use letters, digits, '_', '-' or '.', starting with a letter "
            "or digit (it is also the file's name)"
        )
    return name
