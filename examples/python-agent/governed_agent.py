#!/usr/bin/env python3
"""An agent in another process (Python, standard library only) governed through the TCP
event-bus bridge of an Agent Governor node.

Started by hand, it registers itself with its PID (so the node measures its CPU and resident memory from /proc),
reports a custom resource (LLM tokens), handles messages sent to its inbox, and obeys the
governor's control messages: throttle (it works less), suspend / resume, terminate.

The register's reply carries the agent's secret. If the connection is lost, the agent connects
again and registers with {"id", "secret"}: within the node's lease grace (bridge.leaseGraceMs) it
takes its agent back, and what was sent to it meanwhile arrives. Without the secret the node
refuses anyone who claims the id.

Started by a node as a "process" agent (POST /api/v1/agents with "type": "process" and
"config": {"command": ["python3", "governed_agent.py"]}), it finds the bridge, its id and its
secret in GOVERNOR_BRIDGE_HOST / _PORT, GOVERNOR_AGENT_ID and GOVERNOR_AGENT_SECRET and registers
with them; the node measures and limits it through its cgroup either way.

    python3 governed_agent.py --host 127.0.0.1 --port 7001 --id py-agent-1 --group standard_agent

Frames: a 4-byte big-endian length, then a UTF-8 JSON object, as the Vert.x TCP bridge defines.
"""
import argparse
import json
import os
import random
import select
import socket
import struct
import sys
import time


class Bridge:
    def __init__(self, host, port):
        self.sock = socket.create_connection((host, port))
        self.buffer = b""
        self.pending = []  # frames that arrived while a request waited for its reply

    def send(self, frame):
        data = json.dumps(frame).encode("utf-8")
        self.sock.sendall(struct.pack(">I", len(data)) + data)

    def close(self):
        self.sock.close()

    def _buffered(self):
        """Takes one complete frame out of the buffer, or None."""
        if len(self.buffer) < 4:
            return None
        (size,) = struct.unpack(">I", self.buffer[:4])
        if len(self.buffer) < 4 + size:
            return None
        frame = json.loads(self.buffer[4:4 + size].decode("utf-8"))
        self.buffer = self.buffer[4 + size:]
        return frame

    def frames(self, timeout):
        """Yields the frames that arrive within `timeout` seconds (those already received first)."""
        deadline = time.monotonic() + timeout
        while self.pending:
            yield self.pending.pop(0)
        while True:
            frame = self._buffered()
            if frame is not None:
                yield frame
                continue
            left = deadline - time.monotonic()
            if left <= 0:
                return
            ready, _, _ = select.select([self.sock], [], [], left)
            if not ready:
                return
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("the governor closed the connection")
            self.buffer += chunk

    def request(self, address, body, timeout=10.0):
        """Sends a request and returns its reply frame (a message, or an err with a failureCode).
        Inbox and control frames that arrive meanwhile are kept for the next frames() call."""
        reply_to = "py-reply-%d" % time.monotonic_ns()
        self.send({"type": "send", "address": address, "body": body, "replyAddress": reply_to})
        deadline = time.monotonic() + timeout
        kept = []
        try:
            while time.monotonic() < deadline:
                for frame in self._fresh(deadline - time.monotonic()):
                    if frame.get("address") == reply_to:
                        return frame
                    kept.append(frame)
        finally:
            self.pending.extend(kept)
        raise TimeoutError("no reply from " + address)

    def _fresh(self, timeout):
        """As frames(), without the kept ones."""
        pending, self.pending = self.pending, []
        try:
            yield from self.frames(timeout)
        finally:
            self.pending = pending + self.pending


def register(args, secret=None):
    """Connects and registers: a new agent (secret None) or, with its secret, the same agent again.
    Returns (bridge, secret); raises RuntimeError if the node refuses."""
    bridge = Bridge(args.host, args.port)
    body = {"id": args.id, "pid": os.getpid()}
    if secret is None:
        body.update({"group": args.group,
                     "quota": {"limits": {"llm_tokens": {"soft": 100000, "hard": 200000, "custom": True}}}})
    else:
        body["secret"] = secret
    reply = bridge.request("governor.bridge.register", body)
    if reply.get("type") == "err" or "failureCode" in reply:
        bridge.close()
        raise RuntimeError("registration refused: %s" % reply)
    # The node delivers the agent's inbox and control messages from now on; subscribing says so
    # explicitly (and is how a client that unsubscribed one of them gets it back).
    bridge.send({"type": "register", "address": "governor.agent.%s.out" % args.id})
    bridge.send({"type": "register", "address": "governor.agent.%s.control" % args.id})
    return bridge, reply["body"].get("secret", secret), reply["body"]


def reconnect(args, secret, attempts=10):
    """Takes the agent back after a lost connection: a bounded number of tries, one a second."""
    for attempt in range(attempts):
        try:
            bridge, secret, _ = register(args, secret)
            print("reconnected", args.id, flush=True)
            return bridge
        except (OSError, RuntimeError) as e:
            print("reconnect %d failed: %s" % (attempt + 1, e), file=sys.stderr, flush=True)
            time.sleep(1.0)
    return None


def reserve(bridge, agent_id, resource, amount):
    """Reserves against the agent's budgets (governor.bridge.reserve): the reservation
    {"status": "granted", "id", ...} or {"status": "denied", "denial", "message"}."""
    frame = bridge.request("governor.bridge.reserve", {"id": agent_id, "resource": resource, "amount": amount})
    if frame.get("type") == "err":
        raise RuntimeError("reserve refused: %s" % frame.get("message"))
    return frame["body"]


def commit(bridge, agent_id, reservation, actual):
    """Settles a reservation with what was really spent (governor.bridge.commit)."""
    frame = bridge.request("governor.bridge.commit", {"id": agent_id, "reservation": reservation, "actual": actual})
    if frame.get("type") == "err":
        raise RuntimeError("commit refused: %s" % frame.get("message"))
    return frame["body"]


def burn(seconds):
    """Real work: hashing for `seconds` of wall time."""
    end = time.monotonic() + seconds
    x = 1
    while time.monotonic() < end:
        for _ in range(2000):
            x = (x * 6364136223846793005 + 1442695040888963407) & 0xFFFFFFFFFFFFFFFF
    return x


def main():
    parser = argparse.ArgumentParser()
    # A node that started this process itself (a "process" agent) says where its bridge is, which
    # agent this is and the agent's secret in the environment.
    parser.add_argument("--host", default=os.environ.get("GOVERNOR_BRIDGE_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("GOVERNOR_BRIDGE_PORT", "7001")))
    parser.add_argument("--id", default=os.environ.get("GOVERNOR_AGENT_ID"), required="GOVERNOR_AGENT_ID" not in os.environ)
    parser.add_argument("--group", default="standard_agent")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--cpu", type=float, default=0.3, help="share of one core to use")
    parser.add_argument("--tokens-per-second", type=float, default=500.0)
    parser.add_argument("--reserve-tokens", type=int, default=0,
                        help="per step, reserve this many llm_tokens against the agent's budgets first, "
                             "then commit what the step spent (0: report only)")
    args = parser.parse_args()

    try:
        bridge, secret, agent = register(args, os.environ.get("GOVERNOR_AGENT_SECRET"))
    except RuntimeError as e:
        print(e, file=sys.stderr)
        return 1
    print("registered", args.id, "on node", agent.get("node"), flush=True)

    factor, suspended, handled = 1.0, False, 0
    end = time.monotonic() + args.seconds
    while time.monotonic() < end:
        if not suspended:
            burn(args.cpu * factor * 0.5)
        try:
            for frame in bridge.frames(0.5 - (0 if suspended else args.cpu * factor * 0.5)):
                address = frame.get("address", "")
                if frame.get("type") == "err":
                    print("refused:", frame.get("message"), flush=True)
                elif address.endswith(".control"):
                    command = frame["body"]["command"]
                    print("control:", command, frame["body"].get("params"), flush=True)
                    if command == "throttle":
                        factor = frame["body"]["params"]["factor"]
                    elif command == "suspend":
                        suspended = True
                    elif command == "resume":
                        suspended = False
                    elif command == "terminate":
                        return 0
                elif address.endswith(".out"):
                    handled += 1
                    print("message:", json.dumps(frame.get("body")), flush=True)
            # The reports double as the keep-alive the node's bridge.idleTimeoutMs asks for.
            tokens = 0 if suspended else args.tokens_per_second * 0.5 * factor
            if args.reserve_tokens > 0 and not suspended:
                r = reserve(bridge, args.id, "llm_tokens", args.reserve_tokens)
                if r["status"] == "granted":
                    # a model call would go here; it spent between half and all of what was reserved
                    tokens = int(args.reserve_tokens * random.uniform(0.5, 1.0))
                    settled = commit(bridge, args.id, r["id"], tokens)
                    print("reserved %d committed %d" % (r["amount"], settled["charged"]), flush=True)
                else:
                    tokens = 0
                    print("denied:", r["message"], flush=True)
            bridge.send({"type": "send", "address": "governor.bridge.report",
                         "body": {"id": args.id, "usage": {"llm_tokens": tokens}}})
        except (ConnectionError, OSError) as e:
            print("connection lost:", e, flush=True)
            bridge.close()
            bridge = reconnect(args, secret)
            if bridge is None:
                return 2
    print("done; handled", handled, "messages", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
