"""A minimal HTTP receiver for delivery benchmarks, run as its own process.

Each POST body is an event whose ``detail.sent`` is the epoch time the load generator
sent it; the receiver records ``arrival - sent``. ``GET /stats`` returns the latencies
(and resets them), so the benchmark can compute percentiles.
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

import uvicorn

latencies: list[float] = []
ids: set[str] = set()
duplicates = 0


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    global duplicates
    if scope["type"] != "http":
        return
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    if scope["method"] == "GET":
        payload = json.dumps({"latencies": latencies, "duplicates": duplicates}).encode()
        latencies.clear()
        ids.clear()
        duplicates = 0
    else:
        now = time.time()
        event = json.loads(body)
        latencies.append(now - event["detail"]["sent"])
        if event["id"] in ids:
            duplicates += 1
        ids.add(event["id"])
        payload = b"{}"
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"application/json")],
        }
    )
    await send({"type": "http.response.body", "body": payload})


if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning", access_log=False)
