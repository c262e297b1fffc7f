"""Strict reading of TOML input files, with errors that name the file and the key.

Scenario and experiment files are data only: they are parsed with ``tomllib``
and read through :class:`Table`, which checks types, ranges and finiteness as
each value is taken and, at the end, rejects keys nobody asked for (with a
"did you mean" suggestion). Nothing is evaluated and no name in a file is
imported.
"""

from __future__ import annotations

import difflib
import math
import os
import stat
import tomllib
from pathlib import Path
from typing import Any

#: Largest input file read, in bytes (scenario and experiment files are a few kilobytes).
MAX_FILE_BYTES = 1_000_000
#: Deepest nesting of tables and arrays accepted (the files use three or four levels).
MAX_DEPTH = 16
#: Longest string or key accepted, in characters.
MAX_STRING = 10_000


def did_you_mean(word: Any, candidates: Any) -> str:
    """A ``" (did you mean 'x'?)"`` suffix when ``word`` is a likely typo of a candidate."""
    close = difflib.get_close_matches(str(word), list(candidates), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


_REQUIRED = object()


class ConfigError(ValueError):
    """An input file is invalid. The message starts with ``file: key.path:``."""

    def __init__(self, file: str | Path, key: str, message: str) -> None:
        self.file = str(file)
        self.key = key
        where = f"{self.file}: {key}: " if key else f"{self.file}: "
        super().__init__(where + message)


def load_toml(path: Path) -> dict[str, Any]:
    """Parse a TOML file, turning syntax errors into a ConfigError with line and column.

    Only a regular file of at most :data:`MAX_FILE_BYTES` is read, so a device such as
    ``/dev/zero`` or a FIFO is refused at once instead of read for ever; nesting deeper than
    :data:`MAX_DEPTH` and strings longer than :data:`MAX_STRING` are refused too.
    """
    return parse_toml(read_text_file(Path(path)), path)


def parse_toml(text: str, path: Path) -> dict[str, Any]:
    """:func:`load_toml` of a file's ``text`` already read (errors name ``path``)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # tomllib's message already ends with "(at line L, column C)".
        raise ConfigError(path, "", f"TOML syntax error: {exc}") from None
    except RecursionError:
        raise ConfigError(path, "", f"nested too deeply (more than {MAX_DEPTH} levels)") from None
    _check_bounds(path, data)
    return data


def read_text_file(path: Path, limit: int = MAX_FILE_BYTES) -> str:
    """The text of a regular file of at most ``limit`` bytes; a ConfigError naming the file
    otherwise (missing, a folder, a device or FIFO, too large, not UTF-8)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        raise ConfigError(path, "", "file not found") from None
    except OSError as exc:
        raise ConfigError(path, "", f"cannot read file ({exc.strerror})") from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        kind = "a folder" if stat.S_ISDIR(mode) else "a device, FIFO or socket"
        raise ConfigError(path, "", f"not a regular file ({kind}); give a TOML file")
    with os.fdopen(fd, "rb") as handle:
        try:
            data = handle.read(limit + 1)
        except OSError as exc:
            raise ConfigError(path, "", f"cannot read file ({exc.strerror})") from None
    if len(data) > limit:
        raise ConfigError(
            path,
            "",
            f"larger than {limit:,} bytes; scenario and experiment files are a few kilobytes",
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(path, "", f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None


def _check_bounds(path: Path, data: dict[str, Any]) -> None:
    """Refuse nesting deeper than MAX_DEPTH and strings or keys longer than MAX_STRING."""
    stack: list[tuple[str, Any, int]] = [("", data, 1)]
    while stack:
        where, value, depth = stack.pop()
        if isinstance(value, dict | list) and depth > MAX_DEPTH:
            raise ConfigError(path, where, f"nested too deeply (more than {MAX_DEPTH} levels)")
        if isinstance(value, dict):
            for key, item in value.items():
                if len(key) > MAX_STRING:
                    raise ConfigError(path, where, f"a key longer than {MAX_STRING:,} characters")
                stack.append((f"{where}.{key}" if where else key, item, depth + 1))
        elif isinstance(value, list):
            stack.extend((f"{where}[{i}]", item, depth + 1) for i, item in enumerate(value))
        elif isinstance(value, str) and len(value) > MAX_STRING:
            raise ConfigError(
                path, where, f"a string of {len(value):,} characters, more than {MAX_STRING:,}"
            )


def _describe(value: Any) -> str:
    return f"{type(value).__name__} {value!r}"


class Table:
    """A TOML table being read: each accessor validates one key and marks it as used."""

    def __init__(self, data: Any, file: str | Path, path: str = "") -> None:
        if not isinstance(data, dict):
            raise ConfigError(file, path, f"expected a table, got {_describe(data)}")
        self.data = data
        self.file = file
        self.path = path
        self.used: set[str] = set()

    def error(self, key: str, message: str) -> ConfigError:
        """A ConfigError located at ``key`` of this table."""
        return ConfigError(self.file, self.key_path(key), message)

    def key_path(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def has(self, key: str) -> bool:
        return key in self.data

    def raw(self, key: str, default: Any = _REQUIRED) -> Any:
        """The value at ``key`` unchecked, or ``default``; a missing required key is an error."""
        self.used.add(key)
        if key not in self.data:
            if default is _REQUIRED:
                raise self.error(key, "required key is missing")
            return default
        return self.data[key]

    def string(
        self, key: str, default: Any = _REQUIRED, choices: tuple[str, ...] | None = None
    ) -> Any:
        value = self.raw(key, default)
        if value is default and key not in self.data:
            return value
        if not isinstance(value, str):
            raise self.error(key, f"expected a string, got {_describe(value)}")
        if choices is not None and value not in choices:
            raise self.error(
                key,
                f"{value!r} is not allowed{did_you_mean(value, choices)}; "
                f"expected one of {', '.join(choices)}",
            )
        return value

    def boolean(self, key: str, default: Any = _REQUIRED) -> Any:
        value = self.raw(key, default)
        if not isinstance(value, bool):
            raise self.error(key, f"expected true or false, got {_describe(value)}")
        return value

    def number(
        self, key: str, low: float, high: float, default: Any = _REQUIRED, integer: bool = False
    ) -> Any:
        value = self.raw(key, default)
        if value is default and key not in self.data:
            return value
        return check_number(value, low, high, integer, lambda m: self.error(key, m))

    def vector(
        self, key: str, length: int | None, low: float, high: float, default: Any = _REQUIRED
    ) -> Any:
        value = self.raw(key, default)
        if value is default and key not in self.data:
            return value
        if not isinstance(value, list):
            raise self.error(key, f"expected a list of numbers, got {_describe(value)}")
        if length is not None and len(value) != length:
            raise self.error(key, f"expected {length} numbers (one per issue), got {len(value)}")
        return [
            check_number(v, low, high, False, lambda m, i=i: self.error(f"{key}[{i}]", m))
            for i, v in enumerate(value)
        ]

    def strings(self, key: str, default: Any = _REQUIRED, min_length: int = 0) -> Any:
        value = self.raw(key, default)
        if value is default and key not in self.data:
            return value
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.error(key, f"expected a list of strings, got {_describe(value)}")
        if len(value) < min_length:
            raise self.error(key, f"expected at least {min_length} entries, got {len(value)}")
        return value

    def table(self, key: str, default: Any = _REQUIRED) -> Any:
        value = self.raw(key, default)
        if value is default and key not in self.data:
            return value
        return Table(value, self.file, self.key_path(key))

    def tables(self, key: str) -> list[Table]:
        value = self.raw(key)
        if not isinstance(value, list):
            raise self.error(
                key, f"expected an array of tables ([[{key}]]), got {_describe(value)}"
            )
        return [Table(v, self.file, f"{self.key_path(key)}[{i}]") for i, v in enumerate(value)]

    def done(self) -> None:
        """Reject keys that no accessor asked for: they are typos or misplaced settings."""
        for key in self.data:
            if key not in self.used:
                raise self.error(
                    key,
                    f"unknown key{did_you_mean(key, self.used)}; "
                    f"allowed here: {', '.join(sorted(self.used)) or 'none'}",
                )


def check_number(value: Any, low: float, high: float, integer: bool, fail: Any) -> float:
    """Return ``value`` if it is a finite number in [low, high], else raise ``fail(message)``."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise fail(f"expected a number, got {_describe(value)}")
    if not math.isfinite(value):
        raise fail(f"expected a finite number, got {value!r}")
    if integer and not (isinstance(value, int) or value.is_integer()):
        raise fail(f"expected a whole number, got {value!r}")
    if not (low <= value <= high):
        raise fail(f"{value!r} is out of range [{low:g}, {high:g}]")
    return int(value) if integer else float(value)
