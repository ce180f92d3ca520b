"""All policy versions of a directory, checked together, and the version in force on a date."""

from __future__ import annotations

import bisect
import datetime as dt
import functools
from collections.abc import Iterable, Iterator
from pathlib import Path

from medaid.errors import N_, InternalError, Message, NoPolicyError, PolicyError
from medaid.policy.load import AnyPolicy, load_policy_file, load_reform, read_toml
from medaid.policy.model import Policy

__all__ = ["PolicyRegistry", "default_policy_dir", "default_registry", "check_coverage"]


def default_policy_dir() -> Path:
    """The bundled policies: inside the installed package, else the repository's ``policies/``."""
    package = Path(__file__).resolve().parent.parent
    for candidate in (package / "_policies", package.parent / "policies"):
        if candidate.is_dir():
            return candidate
    raise PolicyError(N_("the bundled policy files are missing from this installation"), where=str(package))


class PolicyRegistry:
    """The policy versions of one or more regions and schemes, with date lookup.

    Versions of one (region, scheme) must cover their span with no gap and no overlap (:func:`check_coverage`).
    """

    def __init__(self, policies: Iterable[AnyPolicy]) -> None:
        self._by_id: dict[str, AnyPolicy] = {}
        for policy in policies:
            if policy.id in self._by_id:
                raise PolicyError(
                    N_("duplicate policy id {policy_id!r} (also in {paths})"),
                    policy_id=policy.id,
                    paths=self._by_id[policy.id].paths[-1],
                    file=policy.paths[-1],
                    key="id",
                )
            self._by_id[policy.id] = policy
        self._timelines: dict[tuple[str, str], list[AnyPolicy]] = {}
        for policy in sorted(self._by_id.values(), key=lambda p: p.effective_from):
            self._timelines.setdefault((policy.region, policy.scheme), []).append(policy)
        for timeline in self._timelines.values():
            check_coverage(timeline)
        self._starts = {key: [p.effective_from for p in line] for key, line in self._timelines.items()}

    @classmethod
    def from_directory(cls, directory: Path | str) -> PolicyRegistry:
        """Load every ``*.toml`` under ``directory`` except reforms (``reforms/``) and the decisions file."""
        directory = Path(directory)
        files = sorted(
            p
            for p in directory.rglob("*.toml")
            if "reforms" not in p.relative_to(directory).parts and p.name != "decisions.toml"
        )
        return cls(load_policy_file(path) for path in files)

    def __iter__(self) -> Iterator[AnyPolicy]:
        return iter(sorted(self._by_id.values(), key=lambda p: (p.scheme, p.region, p.effective_from)))

    def __len__(self) -> int:
        return len(self._by_id)

    def get(self, policy_id: str) -> AnyPolicy:
        """The policy with this id, or an error listing the known ids."""
        try:
            return self._by_id[policy_id]
        except KeyError:
            raise PolicyError(
                N_("no policy with id {policy_id!r}; known: {names}"),
                policy_id=policy_id,
                names=", ".join(sorted(self._by_id)),
            ) from None

    def in_force(self, day: dt.date, *, scheme: str = "medical_assistance", region: str = "shanghai") -> AnyPolicy:
        """The version of ``scheme`` in force on ``day``."""
        line = self._timelines.get((region, scheme), [])
        index = bisect.bisect_right(self._starts.get((region, scheme), []), day) - 1
        if index >= 0 and line[index].in_force(day):
            return line[index]
        name = SCHEME_NAMES.get(scheme, scheme.replace("_", "-"))
        if not line:
            raise NoPolicyError(
                N_("no {scheme} policy in force on {day}; versions cover nothing"), scheme=name, day=day
            )
        start, end = line[0].effective_from, line[-1].effective_to
        raise NoPolicyError(
            N_("no {scheme} policy in force on {day}; versions cover {start} to {end}")
            if end
            else N_("no {scheme} policy in force on {day}; versions cover {start} to now"),
            scheme=name,
            day=day,
            start=start,
            end=end,
        )

    def medical_assistance(self, day: dt.date, region: str = "shanghai") -> Policy:
        """The medical-assistance version in force on ``day`` (typed shortcut)."""
        policy = self.in_force(day, scheme="medical_assistance", region=region)
        if not isinstance(policy, Policy):
            raise InternalError(
                N_("expected {expected}, got {type_name}"), expected="Policy", type_name=type(policy).__name__
            )
        return policy

    def resolve(self, ref: Path | str) -> AnyPolicy:
        """A policy by id, or a policy or reform file by path (a reform loads over its base)."""
        if str(ref).endswith(".toml") or Path(ref).is_file():
            data, _ = read_toml(Path(ref))
            return self.reform(ref) if "extends" in data else load_policy_file(ref)
        return self.get(str(ref))

    def reform(self, path: Path | str) -> AnyPolicy:
        """Load a reform file over the version of this registry it extends."""
        return load_reform(path, self.get)


def check_coverage(timeline: list[AnyPolicy]) -> None:
    """Refuse overlapping or gapped effective ranges in one (region, scheme) timeline, sorted by start."""
    for before, after in zip(timeline, timeline[1:]):
        where = f"{after.paths[-1]}: effective_from"
        if before.effective_to is None or before.effective_to >= after.effective_from:
            raise PolicyError(
                N_("{after_id} starts {after_effective_from} but {before_id} is still in force then"),
                after_id=after.id,
                after_effective_from=after.effective_from,
                before_id=before.id,
                where=where,
            )
        if before.effective_to + dt.timedelta(days=1) != after.effective_from:
            raise PolicyError(
                N_("gap: {before_id} ends {before_effective_to} but {after_id} starts only {after_effective_from}"),
                before_id=before.id,
                before_effective_to=before.effective_to,
                after_id=after.id,
                after_effective_from=after.effective_from,
                where=where,
            )


#: A scheme's name in an error message, translated with it.
SCHEME_NAMES = {"medical_assistance": Message(N_("medical-assistance")), "mutual_aid": Message(N_("mutual-aid"))}


@functools.lru_cache(maxsize=1)
def default_registry() -> PolicyRegistry:
    """The bundled Shanghai policies, loaded once per process."""
    return PolicyRegistry.from_directory(default_policy_dir())
