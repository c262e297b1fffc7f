"""Named positions in the flat arrays the compiled month takes whole (its rules, its running
figures): readable by name in Python and as constant indices in compiled code, without the
cost numba pays to recognise a numpy record on every call."""

from __future__ import annotations

from enum import IntEnum
from typing import Any


class Slot(IntEnum):
    """Named positions in a float array that compiled code takes whole, numbered from 0 in
    the order they are written (``name = auto()``). numba reads a member as a constant index,
    so ``figures[Figure.value]`` costs what ``figures[0]`` does; an array of named fields (a
    numpy record) reads the same way but takes numba microseconds to recognise on every call."""

    @staticmethod
    def _generate_next_value_(name: str, start: int, count: int, last_values: list[Any]) -> int:
        return count
