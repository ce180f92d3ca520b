"""The lookup index of a claim: its category string, policy version, kind and resident flag packed in one int.

The batch engine asks the reference once per distinct combination which rule governs it
(:func:`medaid.batch.engine.build_lookup`) and gathers the answers by this index, so the packing is
written here once, for the lookup's builder, the readers that index a file's claims and the outputs that
read a claim's kind back. Every function works on Python ints, numpy integer arrays and (where it
decodes) polars expressions alike.

    index = ((category * n_versions + version) * 2 + kind) * 2 + resident

``kind`` is 0 for inpatient and 1 for outpatient (:data:`medaid.policy.model.KINDS` order), ``resident``
1 for a member of the resident insurance (城乡居民医保).
"""

from __future__ import annotations

from typing import Any

__all__ = ["SLOTS", "size", "pack", "kind_of", "without_resident"]

#: Indexes per (category string, version): one for each kind and resident flag.
SLOTS = 4


def size(n_categories: int, n_versions: int) -> int:
    """How many indexes a lookup over these category strings and versions holds."""
    return n_categories * n_versions * SLOTS


def pack(category: Any, version: Any, kind: Any, resident: Any, n_versions: int) -> Any:
    """The index of (category string, version, kind, resident); arrays are combined in place after one copy.

    >>> pack(1, 0, 1, 1, n_versions=2)
    11
    """
    index = category * n_versions
    index += version
    index *= 2
    index += kind
    index *= 2
    index += resident
    return index


def kind_of(index: Any) -> Any:
    """The kind (0 inpatient, 1 outpatient) an index holds.

    >>> kind_of(11)
    1
    """
    return (index // 2) & 1


def without_resident(index: Any) -> Any:
    """The index with its resident flag cleared: the slot a category's error is recorded under.

    >>> without_resident(11)
    10
    """
    return (index // 2) * 2
