"""Presentation of settled claims: one claim explained, and a person-year's decision notice (告知书).

Nothing here holds a rule: a claim is explained by re-running the reference rules
(:func:`medaid.rules.assess_claim`) on exactly what it was settled against, and checking that they give
the stored amounts to the fen.
"""
