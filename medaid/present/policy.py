"""The JSON summary of a policy version: one shape for ``medaid policy list --format json`` and the service."""

from __future__ import annotations

from typing import Any

__all__ = ["policy_summary"]


def policy_summary(policy: Any) -> dict[str, Any]:
    """Id, scheme, region, effective dates, titles and content hash of one version (or reform)."""
    return {
        "id": policy.id,
        "scheme": policy.scheme,
        "region": policy.region,
        "effective_from": policy.effective_from.isoformat(),
        "effective_to": policy.effective_to.isoformat() if policy.effective_to else None,
        "title_zh": policy.title_zh,
        "title_en": policy.title_en,
        "policy_hash": policy.content_hash,
    }
