"""The results folder of one experiment: streamed chunks, atomic writes, resume, ownership.

Runs are appended as Parquet chunks under ``parts/`` as they finish, each
written to a temporary file and renamed into place, so a crash loses at most
the runs in flight and never leaves a half-written file. At the end the chunks
are merged into ``runs.parquet`` (and ``timeseries.parquet``), sorted by
``run_id`` so the table does not depend on the order runs finished in.

The folder also records what the tool wrote (the marker ``.alliance-sim.json``), so that
``--force`` removes exactly that and never a file someone else put there; a folder without
the marker (or, from older versions, a manifest) is not a results folder.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sim.sweeps.lock import LOCK_FILE

RUNS = "runs.parquet"
TIMESERIES = "timeseries.parquet"
MANIFEST = "manifest.json"
DESIGN = "design.parquet"
PARTS = "parts"
#: What the tool wrote into the folder (paths relative to it), read by ``--force``.
MARKER = ".alliance-sim.json"
#: Files that belong to the folder's machinery rather than to its results.
HOUSEKEEPING = (MARKER, LOCK_FILE)
#: Files a results folder of an older version (manifest, no marker) is known to hold.
LEGACY_OWNED = (RUNS, TIMESERIES, MANIFEST, DESIGN, "report.html")
_CHUNK = re.compile(r"^(runs|timeseries)-\d{6}\.parquet$")


def _process_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


#: Permissions for result files: what a plain open() would give (mkstemp makes them private).
FILE_MODE = 0o666 & ~_process_umask()


class DamagedFile(Exception):
    """A file of a results folder cannot be read (truncated, corrupt): names it and why."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path} is damaged ({reason})")


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, FILE_MODE)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_json(path: Path, data: dict[str, Any]) -> None:
    atomic_write_bytes(
        path, (json.dumps(data, indent=2, sort_keys=True, default=str) + "\n").encode()
    )


def atomic_write_parquet(path: Path, frame: pd.DataFrame) -> None:
    sink = pa.BufferOutputStream()
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), sink)
    atomic_write_bytes(path, sink.getvalue().to_pybytes())


def read_run_ids(path: Path) -> list[int]:
    """The run ids in a runs table or chunk; :class:`DamagedFile` if it cannot be read."""
    try:
        return pq.read_table(path, columns=["run_id"])["run_id"].to_pylist()
    except (pa.ArrowException, OSError, KeyError) as exc:
        raise DamagedFile(path, _reason(exc)) from None


def check_readable(path: Path) -> None:
    """Raise :class:`DamagedFile` unless the Parquet file at ``path`` reads whole."""
    try:
        pq.read_table(path)
    except (pa.ArrowException, OSError) as exc:
        raise DamagedFile(path, _reason(exc)) from None


def _reason(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else 'unreadable'}"


class ResultStore:
    """A results folder being filled by one experiment."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.parts = folder / PARTS
        self._next_part = 0

    # What the folder is -------------------------------------------------------------------

    def is_results_folder(self) -> bool:
        """True when this tool made the folder (its marker, or an older version's manifest)."""
        return (self.folder / MARKER).is_file() or (self.folder / MANIFEST).is_file()

    def foreign_entries(self) -> list[str]:
        """Names in the folder that the tool did not write (empty for a new or empty folder)."""
        if not self.folder.is_dir():
            return []
        owned = self.owned()
        return sorted(
            p.name
            for p in self.folder.iterdir()
            if p.name not in HOUSEKEEPING and p.name not in owned
        )

    def owned(self) -> set[str]:
        """Paths (relative to the folder) the tool recorded as its own."""
        marker = self.folder / MARKER
        if not marker.is_file():
            return set(LEGACY_OWNED) if (self.folder / MANIFEST).is_file() else set()
        try:
            data = json.loads(marker.read_text(encoding="utf-8"))
            return {str(p) for p in data["owned"]}
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise DamagedFile(marker, _reason(exc)) from None

    def claim(self) -> None:
        """Mark the folder as a results folder (before anything else is written into it)."""
        if not (self.folder / MARKER).is_file():
            self.record([])

    def record(self, paths: list[str]) -> None:
        """Add ``paths`` (relative to the folder) to what the tool owns here."""
        owned = self.owned() | set(paths)
        atomic_write_json(self.folder / MARKER, {"tool": "alliance-sim", "owned": sorted(owned)})

    @contextmanager
    def recording(self) -> Iterator[None]:
        """Record as owned every file created or rewritten inside the block (e.g. the report),
        so that a later ``--force`` removes them and nothing else."""
        before = _snapshot(self.folder)
        try:
            yield
        finally:
            after = _snapshot(self.folder)
            self.record([p for p, stamp in after.items() if before.get(p) != stamp])

    def clear(self) -> list[str]:
        """Remove what the tool wrote here, and only that; return what was removed.

        Files are removed only if recorded as owned (or, in a folder of an older version, by
        their known names), chunks only if named like chunks; folders only once empty.
        """
        owned = self.owned()
        removed = []
        for relative in sorted(owned, key=lambda p: -p.count("/")):
            target = self.folder / relative
            if target.is_file() or target.is_symlink():
                target.unlink()
                removed.append(relative)
        if self.parts.is_dir():
            removed.extend(
                f"{PARTS}/{chunk.name}"
                for chunk in self.parts.iterdir()
                if _CHUNK.match(chunk.name)
            )
            self._remove_chunks()
        for stale in self.folder.glob(".*.tmp"):
            stale.unlink()
        for directory in sorted({str(Path(p).parent) for p in owned}, key=len, reverse=True):
            path = self.folder / directory
            if directory != "." and path.is_dir() and not any(path.iterdir()):
                path.rmdir()
        (self.folder / MARKER).unlink(missing_ok=True)
        return removed

    # Manifest and design ------------------------------------------------------------------

    def read_manifest(self) -> dict[str, Any] | None:
        """The manifest, None if there is none; :class:`DamagedFile` if it does not parse."""
        path = self.folder / MANIFEST
        if not path.exists():
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise DamagedFile(path, _reason(exc)) from None
        if not isinstance(data, dict):
            raise DamagedFile(path, "not a JSON object")
        return data

    def write_manifest(self, manifest: dict[str, Any]) -> None:
        self._write(MANIFEST, lambda path: atomic_write_json(path, manifest))

    def write_design(self, design: pd.DataFrame) -> None:
        self._write(DESIGN, lambda path: atomic_write_parquet(path, design))

    def _write(self, name: str, write: Any) -> None:
        if name not in self.owned():
            self.record([name])
        write(self.folder / name)

    # Runs ---------------------------------------------------------------------------------

    def _part_files(self, kind: str) -> list[Path]:
        return sorted(self.parts.glob(f"{kind}-*.parquet")) if self.parts.exists() else []

    def done_run_ids(self) -> set[int]:
        """Run ids already on disk, in the merged table or in chunks.

        Raises:
            DamagedFile: the first file that cannot be read (see :meth:`damaged_files`).
        """
        done: set[int] = set()
        if (self.folder / RUNS).exists():
            done.update(read_run_ids(self.folder / RUNS))
        for part in self._part_files("runs"):
            done.update(read_run_ids(part))
        return done

    def damaged_files(self) -> list[DamagedFile]:
        """Every result file that cannot be read whole: merged tables and chunks."""
        damaged = []
        candidates = [
            self.folder / RUNS,
            self.folder / TIMESERIES,
            *self._part_files("runs"),
            *self._part_files("timeseries"),
        ]
        for path in candidates:
            if path.exists():
                try:
                    check_readable(path)
                except DamagedFile as exc:
                    damaged.append(exc)
        return damaged

    def discard_damaged(self) -> list[DamagedFile]:
        """Remove damaged result files so that ``--resume`` runs their runs again.

        A damaged chunk takes its companion (the runs or series of the same chunk) with it; a
        damaged merged table takes the other merged table with it, since runs and their series
        must come from the same runs.
        """
        damaged = self.damaged_files()
        for item in damaged:
            path = item.path
            if path.parent == self.parts:
                tag = path.name.split("-", 1)[1]
                for kind in ("runs", "timeseries"):
                    (self.parts / f"{kind}-{tag}").unlink(missing_ok=True)
            else:
                for name in (RUNS, TIMESERIES):
                    (self.folder / name).unlink(missing_ok=True)
        return damaged

    def append(self, rows: list[dict[str, Any]], series: list[pd.DataFrame]) -> None:
        """Write one chunk of finished runs (and their per-month series) atomically."""
        self.parts.mkdir(parents=True, exist_ok=True)
        while (self.parts / f"runs-{self._next_part:06d}.parquet").exists():
            self._next_part += 1
        tag = f"{self._next_part:06d}"
        if series:
            atomic_write_parquet(
                self.parts / f"timeseries-{tag}.parquet", pd.concat(series, ignore_index=True)
            )
        # The runs chunk goes last: once it exists, its series are complete too.
        atomic_write_parquet(self.parts / f"runs-{tag}.parquet", pd.DataFrame(rows))
        self._next_part += 1

    def merge(self, columns: list[str]) -> pd.DataFrame:
        """Merge chunks (and any earlier merged table) into ``runs.parquet``; return it."""
        runs = self._merge_kind("runs", RUNS, ["run_id"], columns)
        if self._part_files("timeseries") or (self.folder / TIMESERIES).exists():
            self._merge_kind("timeseries", TIMESERIES, ["run_id", "step"], None)
        self._remove_chunks()
        return runs

    def _remove_chunks(self) -> None:
        """Remove the chunks (and any leftover temporary files) from ``parts/``, then the
        folder itself if nothing else is in it."""
        if not self.parts.is_dir():
            return
        for chunk in self.parts.iterdir():
            if _CHUNK.match(chunk.name) or (
                chunk.name.startswith(".") and chunk.name.endswith(".tmp")
            ):
                chunk.unlink()
        if not any(self.parts.iterdir()):
            self.parts.rmdir()

    def _merge_kind(
        self, kind: str, name: str, keys: list[str], columns: list[str] | None
    ) -> pd.DataFrame:
        frames = [pd.read_parquet(p) for p in self._part_files(kind)]
        if (self.folder / name).exists():
            frames.insert(0, pd.read_parquet(self.folder / name))
        frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=keys)
        frame = frame.drop_duplicates(subset=keys).sort_values(keys, kind="stable")
        if columns is not None:
            frame = frame[
                [c for c in columns if c in frame.columns]
                + [c for c in frame.columns if c not in columns]
            ]
        frame = frame.reset_index(drop=True)
        self._write(name, lambda path: atomic_write_parquet(path, frame))
        return frame


def _snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file under ``folder`` (relative path) with its modification time and size."""
    if not folder.is_dir():
        return {}
    stamps = {}
    for path in folder.rglob("*"):
        if path.is_file() and path.name not in HOUSEKEEPING:
            status = path.stat()
            stamps[path.relative_to(folder).as_posix()] = (status.st_mtime_ns, status.st_size)
    return stamps
