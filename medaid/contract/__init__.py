"""The input files declared once (columns, Chinese headers, value grammar, aliases, reasons, line numbers).

:mod:`medaid.contract.claims` declares the claims file and its scalar reader (:class:`ClaimsContract`);
the columnar reader (:mod:`medaid.batch.parse`) is derived from the same rules. :mod:`medaid.contract.values`
states each value's grammar; :mod:`medaid.contract.files` reads CSV (UTF-8, GBK/GB18030, UTF-16) and
``.xlsx`` rows for every reader. Rules for users: docs/claims.md.
"""

from medaid.contract.claims import CLAIMS, COLUMNS, HEADERS_ZH, ClaimsContract, ClaimValues, Column, header_map
from medaid.contract.values import BOOLEAN_LABELS, KIND_LABELS, CategoryNames, DateWindow

__all__ = [
    "CLAIMS",
    "COLUMNS",
    "HEADERS_ZH",
    "ClaimsContract",
    "ClaimValues",
    "Column",
    "header_map",
    "BOOLEAN_LABELS",
    "KIND_LABELS",
    "CategoryNames",
    "DateWindow",
]
