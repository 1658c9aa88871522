"""``python -m pds`` runs the command line."""

from pds.cli import main

main()
