"""The tiny operations shim the clauses are written over: one clause, three executors.

A clause (:mod:`medaid.rules.clauses`) is an element-wise function of amounts. Written with ``+``, ``-``,
comparisons, :func:`medaid.money.apply_ratio` and the three operations below, the same function serves
the reference (Python ints, :data:`SCALAR`), the batch engine (numpy int64 arrays, :data:`NUMPY`) and
the settled table (polars expressions, :data:`POLARS`). numpy and polars are imported on first use, so
the reference (``medaid calc``) never loads them.
"""

from __future__ import annotations

from typing import Any, Protocol

__all__ = ["Ops", "SCALAR", "NUMPY", "POLARS"]


class Ops(Protocol):
    """Element-wise minimum, maximum and choice over one kind of value (ints, arrays or expressions)."""

    def minimum(self, a: Any, b: Any) -> Any:
        """The smaller of ``a`` and ``b``, element by element."""

    def maximum(self, a: Any, b: Any) -> Any:
        """The larger of ``a`` and ``b``, element by element."""

    def where(self, condition: Any, a: Any, b: Any) -> Any:
        """``a`` where ``condition`` holds, else ``b``, element by element."""


class _Scalar:
    """Python ints and bools: the reference rules."""

    def minimum(self, a: Any, b: Any) -> Any:
        return a if a <= b else b

    def maximum(self, a: Any, b: Any) -> Any:
        return a if a >= b else b

    def where(self, condition: Any, a: Any, b: Any) -> Any:
        return a if condition else b


class _Numpy:
    """numpy arrays (int64 amounts, bool conditions): the batch engine."""

    def minimum(self, a: Any, b: Any) -> Any:
        import numpy as np

        return np.minimum(a, b)

    def maximum(self, a: Any, b: Any) -> Any:
        import numpy as np

        return np.maximum(a, b)

    def where(self, condition: Any, a: Any, b: Any) -> Any:
        import numpy as np

        return np.where(condition, a, b)


class _Polars:
    """polars expressions: the settled table, computed slice by slice as it is written."""

    def minimum(self, a: Any, b: Any) -> Any:
        import polars as pl

        return pl.min_horizontal(_expr(a), _expr(b))

    def maximum(self, a: Any, b: Any) -> Any:
        import polars as pl

        return pl.max_horizontal(_expr(a), _expr(b))

    def where(self, condition: Any, a: Any, b: Any) -> Any:
        import polars as pl

        return pl.when(condition).then(_expr(a)).otherwise(_expr(b))


def _expr(value: Any) -> Any:
    # A bare int would be read as a column name by some polars functions: make it a literal.
    import polars as pl

    return value if isinstance(value, pl.Expr) else pl.lit(value)


SCALAR: Ops = _Scalar()
NUMPY: Ops = _Numpy()
POLARS: Ops = _Polars()
