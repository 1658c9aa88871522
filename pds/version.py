"""The version of pds (one place; ``pds.__version__`` re-exports it)."""

__version__ = "0.1.0"
