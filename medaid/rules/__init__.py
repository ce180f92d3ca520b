"""The reference rules: pure functions from a claim (or a person's claims) and a policy to an assessment."""

from medaid.rules.assess import assess_claim, assess_each_claim, assess_person, assess_person_year
from medaid.rules.assess import assess_claims as assess_claims  # the old name, deprecated, for one release
from medaid.rules.model import Assessment, Claim, ClaimOutcome, ClaimResult, Step, Usage

__all__ = [
    "Assessment",
    "Claim",
    "ClaimOutcome",
    "ClaimResult",
    "Step",
    "Usage",
    "assess_claim",
    "assess_each_claim",
    "assess_person",
    "assess_person_year",
]
