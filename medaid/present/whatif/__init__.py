"""The what-if comparisons as tables, records, workbook and charts: ``medaid compare`` and ``medaid sweep`` (the
comparison itself is :mod:`medaid.whatif`)."""
