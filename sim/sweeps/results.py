"""The results folder of one experiment: streamed chunks, atomic writes, resume.

Runs are appended as Parquet chunks under ``parts/`` as they finish, each
written to a temporary file and renamed into place, so a crash loses at most
the runs in flight and never leaves a half-written file. At the end the chunks
are merged into ``runs.parquet`` (and ``timeseries.parquet``), sorted by
``run_id`` so the table does not depend on the order runs finished in.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

RUNS = "runs.parquet"
TIMESERIES = "timeseries.parquet"
MANIFEST = "manifest.json"
DESIGN = "design.parquet"
PARTS = "parts"
def _process_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


#: Permissions for result files: what a plain open() would give (mkstemp makes them private).
FILE_MODE = 0o666 & ~_process_umask()
#: Files and folders a results folder may hold that ``--force`` is allowed to remove.
OWNED = (RUNS, TIMESERIES, MANIFEST, DESIGN, PARTS, "figures", "tables", "report.html")


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
    atomic_write_bytes(path, (json.dumps(data, indent=2, sort_keys=True, default=str) + "\n").encode())


def atomic_write_parquet(path: Path, frame: pd.DataFrame) -> None:
    sink = pa.BufferOutputStream()
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), sink)
    atomic_write_bytes(path, sink.getvalue().to_pybytes())


class ResultStore:
    """A results folder being filled by one experiment."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.parts = folder / PARTS
        self._next_part = 0

    def existing(self) -> bool:
        """True when the folder already holds results of some experiment."""
        return any((self.folder / name).exists() for name in (MANIFEST, RUNS, PARTS))

    def clear(self) -> None:
        """Remove what an earlier experiment wrote here (only files this tool owns)."""
        for name in OWNED:
            target = self.folder / name
            if target.is_dir():
                shutil.rmtree(target)
            else:
                target.unlink(missing_ok=True)

    def read_manifest(self) -> dict[str, Any] | None:
        path = self.folder / MANIFEST
        return json.loads(path.read_text()) if path.exists() else None

    def write_manifest(self, manifest: dict[str, Any]) -> None:
        atomic_write_json(self.folder / MANIFEST, manifest)

    def write_design(self, design: pd.DataFrame) -> None:
        atomic_write_parquet(self.folder / DESIGN, design)

    def _part_files(self, kind: str) -> list[Path]:
        return sorted(self.parts.glob(f"{kind}-*.parquet")) if self.parts.exists() else []

    def done_run_ids(self) -> set[int]:
        """Run ids already on disk, in the merged table or in chunks."""
        done: set[int] = set()
        if (self.folder / RUNS).exists():
            done.update(pq.read_table(self.folder / RUNS, columns=["run_id"])["run_id"].to_pylist())
        for part in self._part_files("runs"):
            done.update(pq.read_table(part, columns=["run_id"])["run_id"].to_pylist())
        return done

    def append(self, rows: list[dict[str, Any]], series: list[pd.DataFrame]) -> None:
        """Write one chunk of finished runs (and their per-month series) atomically."""
        self.parts.mkdir(parents=True, exist_ok=True)
        while (self.parts / f"runs-{self._next_part:06d}.parquet").exists():
            self._next_part += 1
        tag = f"{self._next_part:06d}"
        if series:
            atomic_write_parquet(self.parts / f"timeseries-{tag}.parquet",
                                 pd.concat(series, ignore_index=True))
        # The runs chunk goes last: once it exists, its series are complete too.
        atomic_write_parquet(self.parts / f"runs-{tag}.parquet", pd.DataFrame(rows))
        self._next_part += 1

    def merge(self, columns: list[str]) -> pd.DataFrame:
        """Merge chunks (and any earlier merged table) into ``runs.parquet``; return it."""
        runs = self._merge_kind("runs", RUNS, ["run_id"], columns)
        if self._part_files("timeseries") or (self.folder / TIMESERIES).exists():
            self._merge_kind("timeseries", TIMESERIES, ["run_id", "step"], None)
        if self.parts.exists():
            shutil.rmtree(self.parts)
        return runs

    def _merge_kind(self, kind: str, name: str, keys: list[str], columns: list[str] | None) -> pd.DataFrame:
        frames = [pd.read_parquet(p) for p in self._part_files(kind)]
        if (self.folder / name).exists():
            frames.insert(0, pd.read_parquet(self.folder / name))
        frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=keys)
        frame = frame.drop_duplicates(subset=keys).sort_values(keys, kind="stable")
        if columns is not None:
            frame = frame[[c for c in columns if c in frame.columns]
                          + [c for c in frame.columns if c not in columns]]
        frame = frame.reset_index(drop=True)
        atomic_write_parquet(self.folder / name, frame)
        return frame
