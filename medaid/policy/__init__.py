"""Policy data: load and validate versioned policy files, find the version in force, diff versions."""

from medaid.policy.load import load_policy_file, load_reform
from medaid.policy.model import CATEGORIES, KINDS, MutualAidPolicy, Policy
from medaid.policy.registry import PolicyRegistry, default_policy_dir, default_registry

__all__ = [
    "CATEGORIES",
    "KINDS",
    "MutualAidPolicy",
    "Policy",
    "PolicyRegistry",
    "default_policy_dir",
    "default_registry",
    "load_policy_file",
    "load_reform",
]
