"""A dictionary with attribute access."""

from __future__ import annotations

import copy
from typing import Any

__all__ = ["DictPlus", "MissingItemError"]


class MissingItemError(KeyError, AttributeError):
    """A DictPlus has no such item: a ``KeyError`` (as documented) that ``getattr``/``hasattr`` also understand."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class DictPlus(dict):
    """A ``dict`` whose items are also attributes.

    Examples
    --------
    >>> d = DictPlus({'a': 10, 'b': 20})
    >>> d.a
    10
    >>> d.c = 30
    >>> d['c']
    30
    """

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise MissingItemError(f"DictPlus has no item {name!r}; it has {list(self)}.") from None

    def __setattr__(self, name: str, value: Any) -> None:
        self[name] = value

    def __delattr__(self, name: str) -> None:
        try:
            del self[name]
        except KeyError:
            raise MissingItemError(f"DictPlus has no item {name!r}; it has {list(self)}.") from None

    def copy(self) -> "DictPlus":
        """Return a shallow copy, still a DictPlus."""
        return DictPlus(self)

    def deepcopy(self) -> "DictPlus":
        """Return a deep copy, still a DictPlus."""
        return DictPlus(copy.deepcopy(dict(self)))

    def to_dict(self) -> dict:
        """Return a plain ``dict`` with the same items."""
        return dict(self)

    def __dir__(self):
        return list(super().__dir__()) + [k for k in self if isinstance(k, str)]
