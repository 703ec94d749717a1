#!/usr/bin/env python3
"""Opens N Server-Sent Event streams on one job and holds them; prints how many got
their first event. Used by bench/api.sh to measure the server's memory with N open streams.

    python3 bench/api/sse_clients.py URL N HOLD_SECONDS
"""
import asyncio
import sys
from urllib.parse import urlparse


async def client(host, port, path, opened, hold):
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nAccept: text/event-stream\r\n\r\n".encode())
    await writer.drain()
    data = b""
    while b"event:" not in data:
        chunk = await reader.read(4096)
        if not chunk:
            break
        data += chunk
    if b"event:" in data:
        opened.append(1)
    await asyncio.sleep(hold)
    writer.close()


async def main():
    url, count, hold = urlparse(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
    opened = []
    tasks = []
    for index in range(count):
        tasks.append(asyncio.create_task(client(url.hostname, url.port, url.path, opened, hold)))
        if index % 100 == 99:
            await asyncio.sleep(0.05)
    await asyncio.gather(*tasks, return_exceptions=True)
    print(len(opened))


asyncio.run(main())
