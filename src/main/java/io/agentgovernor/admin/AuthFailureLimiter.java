package io.agentgovernor.admin;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Counts failed authentications per remote address in fixed one-minute windows; an address with
 * {@code maxFailures} failures in its current window is refused until the window ends. At most
 * {@code maxTracked} addresses are remembered (least recently seen forgotten first), so a flood
 * from many addresses cannot grow the node's memory. Used on one event loop only: not thread-safe.
 */
final class AuthFailureLimiter {

  private static final long WINDOW_MS = 60_000;

  private final int maxFailures;
  private final Map<String, long[]> windows;

  AuthFailureLimiter(int maxFailures, int maxTracked) {
    this.maxFailures = maxFailures;
    this.windows = new LinkedHashMap<>(256, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, long[]> eldest) {
        return size() > maxTracked;
      }
    };
  }

  /** Milliseconds until this address may try again, or 0 when it may try now. */
  long blockedFor(String address, long now) {
    long[] w = windows.get(address);
    if (w == null || now - w[0] >= WINDOW_MS || w[1] < maxFailures) {
      return 0;
    }
    return WINDOW_MS - (now - w[0]);
  }

  void recordFailure(String address, long now) {
    long[] w = windows.get(address);
    if (w == null || now - w[0] >= WINDOW_MS) {
      windows.put(address, new long[] {now, 1});
    } else {
      w[1]++;
    }
  }

  int tracked() {
    return windows.size();
  }
}
