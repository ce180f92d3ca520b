"""What a district medical-security bureau (区医保局) budgets: caseload totals and their city/district
funding split, mutual-aid funding by level, and the city's transfer to each district.

Modules: :mod:`~medaid.district.aggregate` (totals over settled claims), :mod:`~medaid.district.funding`
(exact splits), :mod:`~medaid.district.mutual_aid`, :mod:`~medaid.district.transfer`. Each returns attrs
objects; the CLI only formats them.
"""

from __future__ import annotations

from medaid.district.aggregate import (
    DistrictReport,
    GroupTotals,
    district_totals,
    frame_from_results,
    read_settled,
)
from medaid.district.aggregate import aggregate as aggregate  # the old name, deprecated, for one release
from medaid.district.funding import Split, split, split_city_district
from medaid.district.mutual_aid import (
    Levels,
    MutualAidFunding,
    Participants,
    mutual_aid_funding,
    mutual_aid_policy,
    read_participants_csv,
)
from medaid.district.transfer import Transfer, TransferInput, TransferRow, compute_transfer, read_transfer_csv

__all__ = [
    "DistrictReport",
    "GroupTotals",
    "district_totals",
    "frame_from_results",
    "read_settled",
    "Split",
    "split",
    "split_city_district",
    "Levels",
    "MutualAidFunding",
    "Participants",
    "mutual_aid_funding",
    "mutual_aid_policy",
    "read_participants_csv",
    "Transfer",
    "TransferInput",
    "TransferRow",
    "compute_transfer",
    "read_transfer_csv",
]
