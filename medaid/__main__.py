"""``python -m medaid``: the same as the ``medaid`` command."""

from medaid.cli import main

main()
