"""``medaid --version``: the engine version and the hash of the policy files it ships."""

from __future__ import annotations

import hashlib

__all__ = ["version_text", "shipped_policy_hash"]


def shipped_policy_hash() -> tuple[str, int]:
    """One sha256 over every bundled policy file (its path under the policy folder and its bytes), and the file count.

    Two installations with the same hash settle with the same rules; a changed, added or renamed file changes it.
    """
    from medaid.policy.registry import default_policy_dir

    folder = default_policy_dir()
    files = sorted(folder.rglob("*.toml"), key=lambda path: path.relative_to(folder).as_posix())
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return "sha256:" + digest.hexdigest(), len(files)


def version_text() -> str:
    """Two lines: ``medaid <version>`` and ``policies <hash> (<n> files)``."""
    from medaid._version import __version__

    digest, count = shipped_policy_hash()
    return f"medaid {__version__}\npolicies {digest} ({count} files)"
