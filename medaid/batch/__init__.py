"""Batch settlement of claims files (理赔结算): a year of claims at once, equal to :mod:`medaid.rules` to the fen."""

from typing import Any

from medaid.batch.settle import RESULT_COLUMNS, SettlementResult, Summary, settle_batch
from medaid.batch.settle import settle_claims as settle_claims  # the old name, deprecated, for one release

__all__ = ["RESULT_COLUMNS", "SettlementResult", "Summary", "settle_batch", "settle_partition", "PartitionResult"]


def __getattr__(name: str) -> Any:
    # settle_partition speaks Arrow: pyarrow (the ``arrow`` extra) is imported only when it is asked for.
    if name in ("settle_partition", "PartitionResult"):
        from medaid.batch import partition

        return getattr(partition, name)
    raise AttributeError(f"module 'medaid.batch' has no attribute {name!r}")
