"""``medaid serve``: the HTTP service for casework systems (DESIGN §8b); imported only by that command.

The service holds no rules: each endpoint calls the same library function as the CLI (``medaid calc``,
``medaid claims``, ``medaid.Ledger``). See ``docs/service.md``.
"""
