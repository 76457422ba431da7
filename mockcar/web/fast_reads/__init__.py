"""A lean path for the hot authenticated reads (API v2 vehicle reads, the API v3 signal),
answered in front of Starlette with the same bytes; every other request goes on to it."""

from mockcar.web.fast_reads.gate import FastReads, install

__all__ = ["FastReads", "install"]
