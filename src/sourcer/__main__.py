"""Entry point for ``python -m sourcer``."""

from sourcer.launch import main

if __name__ == "__main__":
    main()
