"""Run the command line as ``python -m roleplay``."""

from roleplay.cli import main

if __name__ == "__main__":
    main()
