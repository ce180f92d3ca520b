"""Recipient category names (救助对象类别名称): the ids, Chinese names and aliases the policy files declare.

Policy data, so the rules (:func:`medaid.rules.assess.category_ids`) and the input contract
(:class:`medaid.contract.values.CategoryNames`, which adds the grammar of a file's cell) read the
same names from here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Self

from medaid.errors import N_, PolicyError
from medaid.money import SPACES
from medaid.policy.model import Policy

__all__ = ["CategoryNames"]


class CategoryNames:
    """Recipient categories by id (any case), Chinese name (``name_zh``) or a short alias, as the policy
    files declare them (``aliases``).

    ``names`` maps every accepted name (ids lower-cased) to its category id.
    """

    def __init__(self, names: Mapping[str, str]) -> None:
        self.names = dict(names)

    @classmethod
    def from_policies(cls, policies: Iterable[Policy]) -> Self:
        """Every id, ``name_zh`` and alias of the categories of ``policies`` (medical-assistance versions)."""
        names: dict[str, str] = {}
        for policy in policies:
            for category in policy.categories.values():
                for name in (category.id, category.name_zh, *category.aliases):
                    key = name.lower() if name.isascii() else name
                    if names.setdefault(key, category.id) != category.id:
                        raise PolicyError(
                            N_("category name {name!r} is used for both {names} and {id}"),
                            name=name,
                            names=names[key],
                            id=category.id,
                            where=f"{policy.paths[0] if policy.paths else policy.id}: categories.{category.id}",
                        )
        return cls(names)

    def ids(self, names: Iterable[str]) -> tuple[str, ...]:
        """Each of ``names`` (ids in any case, Chinese names, aliases) as its category id; a name not known
        stays as given, so the caller's own check names it (``Policy.category``).

        >>> CategoryNames({"dibao": "dibao", "低保": "dibao"}).ids(["低保", "DIBAO", "nope"])
        ('dibao', 'dibao', 'nope')
        """
        names_ = self.names
        return tuple(names_.get(n.strip(SPACES).lower() if n.isascii() else n.strip(SPACES), n) for n in names)
