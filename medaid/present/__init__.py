"""Presentation: everything medaid shows a person or hands a program — text in zh/en, tables, CSV and JSON
records, charts, workbooks, the explanation of a claim and the decision notice (告知书).

Nothing here computes an amount or holds a rule: the figures come from :mod:`medaid.rules`,
:mod:`medaid.district`, :mod:`medaid.whatif` and :mod:`medaid.ledger`; a settled claim is explained by
re-running the reference rules (:func:`medaid.rules.assess_claim`) on exactly what it was settled against and
checking that they give the stored amounts to the fen. Translation (catalogues, locale formatting) is
:mod:`medaid.i18n`; the command line (:mod:`medaid.cli`) only reads options and calls in here. See the map in
``docs/architecture.md``.
"""
