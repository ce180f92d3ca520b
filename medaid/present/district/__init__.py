"""The district reports as text, CSV/JSON records, workbook and chart: ``medaid district``, ``mutual-aid`` and
``transfer`` (the amounts come from :mod:`medaid.district`; nothing here computes them)."""
