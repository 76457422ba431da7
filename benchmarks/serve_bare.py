"""Bare Starlette under the same uvicorn settings: the other side of the cold-start row
(time from process start to the first 200)."""

from __future__ import annotations

import sys

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route


async def odometer(request: Request) -> Response:
    return JSONResponse({"distance": 1234.5})


if __name__ == "__main__":
    uvicorn.run(Starlette(routes=[Route("/", odometer)]), host="127.0.0.1",
                port=int(sys.argv[1]), loop="uvloop", http="httptools", log_level="warning",
                access_log=False)
