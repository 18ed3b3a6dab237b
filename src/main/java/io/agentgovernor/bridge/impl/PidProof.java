package io.agentgovernor.bridge.impl;

import java.io.BufferedReader;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Decides whether an outside agent may name a process id, so the node measures that process's CPU
 * and memory as the agent's. A PID is accepted only for a process this node started (a descendant of
 * its JVM), or for the very process that holds the agent's connection: the client end of the
 * connection (found by its addresses in {@code /proc/net/tcp} or {@code tcp6}) must be an open
 * descriptor of {@code /proc/<pid>/fd}. That connection is the one the agent's secret was issued
 * to or proven on, so a client can name its own process and no other. Linux only; where the
 * kernel does not let the node look (another user's process), the PID is refused. Blocking: call
 * it from a worker.
 */
public final class PidProof {

  /** The outcome, with the reason given back to a refused client. */
  public record Verdict(boolean accepted, String reason) {
  }

  private static final int MAX_FDS = 65_536;
  private static final int MAX_SOCKET_LINES = 1_000_000;

  private final Path proc;

  public PidProof(Path proc) {
    this.proc = proc;
  }

  public static PidProof ofSystem() {
    return new PidProof(Path.of("/proc"));
  }

  /**
   * @param pid        the process the client names
   * @param clientHost the connection's remote address as the node sees it
   * @param clientPort its remote port
   * @param serverHost the connection's local address
   * @param serverPort its local port (the bridge's)
   */
  public Verdict check(long pid, String clientHost, int clientPort, String serverHost, int serverPort) {
    ProcessHandle self = ProcessHandle.current();
    if (pid == self.pid()) {
      return new Verdict(false, "pid " + pid + " is the node's own process");
    }
    if (ProcessHandle.of(pid).isEmpty()) {
      return new Verdict(false, "pid " + pid + " is not a running process");
    }
    if (self.descendants().anyMatch(p -> p.pid() == pid)) {
      return new Verdict(true, "started by this node");
    }
    long inode = socketInode(clientHost, clientPort, serverHost, serverPort);
    if (inode <= 0) {
      return new Verdict(false, "the connection's socket was not found in " + proc.resolve("net"));
    }
    return holds(pid, inode) ? new Verdict(true, "holds the agent's connection")
        : new Verdict(false, "pid " + pid + " neither was started by this node nor holds this connection");
  }

  /** The inode of the client end of the connection, or -1. */
  long socketInode(String clientHost, int clientPort, String serverHost, int serverPort) {
    InetAddress client;
    InetAddress server;
    try {
      client = InetAddress.getByName(clientHost);
      server = InetAddress.getByName(serverHost);
    } catch (UnknownHostException e) {
      return -1;
    }
    for (String table : new String[] {"net/tcp", "net/tcp6"}) {
      long inode = find(proc.resolve(table), client, clientPort, server, serverPort);
      if (inode > 0) {
        return inode;
      }
    }
    return -1;
  }

  private static long find(Path table, InetAddress client, int clientPort, InetAddress server, int serverPort) {
    try (BufferedReader in = Files.newBufferedReader(table)) {
      in.readLine(); // the header
      String line;
      int lines = 0;
      while ((line = in.readLine()) != null && lines++ < MAX_SOCKET_LINES) {
        String[] f = line.trim().split("\\s+");
        if (f.length < 10) {
          continue;
        }
        // The client's socket: its local end is the client's address, its remote end the bridge.
        if (matches(f[1], client, clientPort) && matches(f[2], server, serverPort)) {
          return Long.parseLong(f[9]);
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }

  /** {@code HEXADDR:HEXPORT} as the kernel prints it: the address in host (little-endian) order per 32-bit word. */
  static boolean matches(String field, InetAddress address, int port) {
    int colon = field.indexOf(':');
    if (colon < 0 || Integer.parseInt(field.substring(colon + 1), 16) != port) {
      return false;
    }
    byte[] bytes = decode(field.substring(0, colon));
    byte[] expected = address.getAddress();
    if (bytes.length == expected.length) {
      return java.util.Arrays.equals(bytes, expected);
    }
    // an IPv4 client seen through an IPv6 socket: ::ffff:a.b.c.d
    if (bytes.length == 16 && expected.length == 4) {
      for (int i = 0; i < 10; i++) {
        if (bytes[i] != 0) {
          return false;
        }
      }
      return bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff
          && java.util.Arrays.equals(java.util.Arrays.copyOfRange(bytes, 12, 16), expected);
    }
    return false;
  }

  private static byte[] decode(String hex) {
    byte[] out = new byte[hex.length() / 2];
    for (int word = 0; word < out.length / 4; word++) {
      for (int b = 0; b < 4; b++) {
        int at = word * 8 + (3 - b) * 2;
        out[word * 4 + b] = (byte) Integer.parseInt(hex.substring(at, at + 2), 16);
      }
    }
    return out;
  }

  private boolean holds(long pid, long inode) {
    String target = "socket:[" + inode + "]";
    int seen = 0;
    try (DirectoryStream<Path> fds = Files.newDirectoryStream(proc.resolve(pid + "/fd"))) {
      for (Path fd : fds) {
        if (seen++ >= MAX_FDS) {
          return false;
        }
        try {
          if (Files.readSymbolicLink(fd).toString().equals(target)) {
            return true;
          }
        } catch (IOException e) {
          // closed while we looked
        }
      }
    } catch (IOException | SecurityException e) {
      return false;
    }
    return false;
  }
}
