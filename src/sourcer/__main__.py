"""Entry point for ``python -m sourcer``."""

from sourcer.cli import main

if __name__ == "__main__":
    main()
