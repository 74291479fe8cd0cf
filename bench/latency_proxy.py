#!/usr/bin/env python3
"""A TCP proxy that delays every byte by a fixed time each way: a remote service on one box.

    bench/latency_proxy.py LISTEN_PORT TARGET_HOST:TARGET_PORT DELAY_MS

Used to measure the dedup Redis store as if Redis were across a network (docs/benchmarks.md):
newsflowd talks to 127.0.0.1:LISTEN_PORT, the proxy forwards to Redis DELAY_MS later (and the
answers DELAY_MS later again). Delays are applied per chunk in order, so pipelined requests
overlap their delays as they would on a network.
"""
import asyncio
import sys


async def pipe(reader, writer, delay):
    loop = asyncio.get_running_loop()
    try:
        while True:
            data = await reader.read(65536)
            if not data:
                break
            due = loop.time() + delay
            loop.call_at(due, writer.write, data)
    finally:
        await asyncio.sleep(delay)
        writer.close()


async def main():
    listen, target, delay = int(sys.argv[1]), sys.argv[2], float(sys.argv[3]) / 1000.0
    host, port = target.rsplit(":", 1)

    async def handle(client_reader, client_writer):
        server_reader, server_writer = await asyncio.open_connection(host, int(port))
        await asyncio.gather(pipe(client_reader, server_writer, delay),
                             pipe(server_reader, client_writer, delay))

    server = await asyncio.start_server(handle, "127.0.0.1", listen)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
