package io.agentgovernor.analytics.replay;

/**
 * The maximum of a time series over a window that only moves forward (a monotonic deque): each
 * sample enters and leaves once, so a replay pays O(1) amortised per sample.
 */
final class SlidingMax {

  private final UsageHistory history;
  private int[] deque = new int[64];
  private int head;
  private int tail;
  private int nextIn;

  SlidingMax(UsageHistory history) {
    this.history = history;
  }

  /** The max over samples with time in {@code [from, to]}, or 0 when there are none. */
  double max(long from, long to) {
    while (nextIn < history.size() && history.time(nextIn) <= to) {
      push(nextIn++);
    }
    while (head < tail && history.time(deque[head]) < from) {
      head++;
    }
    return head < tail ? history.value(deque[head]) : 0;
  }

  private void push(int index) {
    double v = history.value(index);
    while (tail > head && history.value(deque[tail - 1]) <= v) {
      tail--;
    }
    if (tail == deque.length) {
      compact();
    }
    deque[tail++] = index;
  }

  private void compact() {
    int n = tail - head;
    int[] next = n * 2 > deque.length ? new int[deque.length * 2] : deque;
    System.arraycopy(deque, head, next, 0, n);
    deque = next;
    head = 0;
    tail = n;
  }
}
