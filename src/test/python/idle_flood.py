#!/usr/bin/env python3
"""Opens many idle TCP connections to a bridge and reports, as JSON lines on stdout, how many the
node accepted and how many it closed. Bounded: at most --count connections, at most --seconds of
wall time; every socket is closed on exit. Used by HostileBridgeIT."""
import argparse
import json
import resource
import selectors
import socket
import sys
import time


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--count", type=int, default=10000)
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = args.count + 64
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(wanted, hard), hard))
    limit = resource.getrlimit(resource.RLIMIT_NOFILE)[0]

    deadline = time.monotonic() + args.seconds
    selector = selectors.DefaultSelector()
    connected = failed = closed = 0
    started = time.monotonic()
    for _ in range(args.count):
        if time.monotonic() > deadline:
            break
        try:
            s = socket.create_connection(("127.0.0.1", args.port), timeout=5)
            s.setblocking(False)
            selector.register(s, selectors.EVENT_READ)
            connected += 1
        except OSError:
            failed += 1
    report = {"phase": "connected", "fdLimit": limit, "connected": connected, "failed": failed,
              "connectSeconds": round(time.monotonic() - started, 2)}
    print(json.dumps(report), flush=True)

    last = 0.0
    while time.monotonic() < deadline and closed < connected:
        for key, _ in selector.select(timeout=0.2):
            s = key.fileobj
            try:
                data = s.recv(65536)
            except OSError:
                data = b""
            if not data:
                selector.unregister(s)
                s.close()
                closed += 1
        if time.monotonic() - last >= 0.5:
            last = time.monotonic()
            print(json.dumps({"phase": "holding", "open": connected - closed, "closedByNode": closed}), flush=True)
    print(json.dumps({"phase": "done", "open": connected - closed, "closedByNode": closed}), flush=True)
    for key in list(selector.get_map().values()):
        key.fileobj.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
