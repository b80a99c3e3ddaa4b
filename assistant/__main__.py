"""``python -m assistant`` runs the same CLI as ``ustd``."""

from assistant.cli import main

main()
