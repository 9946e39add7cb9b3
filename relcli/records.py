"""The base of relcli's value classes: immutable, slotted, compared by value.

The records in ``model`` and ``dates`` were frozen dataclasses. Creating a dataclass costs about
a millisecond per class at import (the decorator generates and compiles methods), which was a
tenth of relcli's start-up. These classes write their ``__init__`` by hand and share the rest
here, keeping what the dataclasses gave: keyword or positional construction, equality and
hashing by value, a readable repr, and no assignment after construction.
"""

from __future__ import annotations

from typing import Any

set_field = object.__setattr__


class FrozenRecord:
    """Subclasses list their fields in ``__slots__`` and set them with ``set_field``."""

    __slots__ = ()

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self.__slots__)

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"{type(self).__name__}({fields})"

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self._values() == other._values()  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash((type(self).__name__, self._values()))

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable: cannot assign to {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable: cannot delete {name!r}")
