"""``python -m jetwatch``: the same as the ``jetwatch`` command."""

from jetwatch.cli import main

main()
