"""What other projects import to test against mockcar."""

from mockcar.testing.server import MockcarServer

__all__ = ["MockcarServer"]
