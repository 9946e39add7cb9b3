"""The base of relcli's value classes: immutable, slotted, compared by value.

The records in ``model`` and ``dates`` were frozen dataclasses. Creating a dataclass costs about
a millisecond per class at import (the decorator generates and compiles methods), which was a
tenth of relcli's start-up. These classes write their ``__init__`` by hand and share the rest
here, keeping what the dataclasses gave: keyword or positional construction, equality and
hashing by value, a readable repr, and no assignment after construction.
"""

from __future__ import annotations

from typing import Any, ClassVar

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


class Bundle(FrozenRecord):
    """A small immutable group of values, built by position or keyword like a NamedTuple.

    Subclasses name their fields in ``_fields`` (constructor order; ``__slots__ = _fields``)
    and give defaults in ``_defaults``. For one-off values (filters, documents for a renderer):
    its generic ``__init__`` is slower per instance than the records' hand-written ones, and
    creating a NamedTuple class costs ~0.14 ms at import, a dozen of them ~1.7 ms of every
    start-up.
    """

    _fields: ClassVar[tuple[str, ...]] = ()
    _defaults: ClassVar[dict[str, Any]] = {}
    __slots__ = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if len(args) > len(self._fields):
            raise TypeError(f"{type(self).__name__} takes at most {len(self._fields)} arguments")
        values = dict(zip(self._fields, args, strict=False))
        for name, value in kwargs.items():
            if name not in self._fields or name in values:
                raise TypeError(f"{type(self).__name__}: unexpected or repeated {name!r}")
            values[name] = value
        for name in self._fields:
            if name not in values:
                if name not in self._defaults:
                    raise TypeError(f"{type(self).__name__}: missing {name!r}")
                values[name] = self._defaults[name]
            set_field(self, name, values[name])
