"""Old names kept for one release after a rename: each call warns (DeprecationWarning) and runs the new function."""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


def renamed(new: F, old: str) -> F:
    """``new`` under its old name ``old``: the same call, with a DeprecationWarning naming the new one.

    >>> import warnings
    >>> def district_totals(): return 1
    >>> aggregate = renamed(district_totals, "aggregate")
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     aggregate(), str(caught[0].message)
    (1, 'medaid: aggregate is renamed district_totals; the old name goes in the next release')
    """
    message = f"medaid: {old} is renamed {new.__name__}; the old name goes in the next release"

    @functools.wraps(new)
    def old_name(*args: Any, **kwargs: Any) -> Any:
        warnings.warn(message, DeprecationWarning, stacklevel=2)
        return new(*args, **kwargs)

    old_name.__name__ = old_name.__qualname__ = old
    old_name.__doc__ = f"Deprecated: renamed :func:`{new.__module__}.{new.__name__}`."
    return old_name  # type: ignore[return-value]  # the wrapper takes and returns what ``new`` does
