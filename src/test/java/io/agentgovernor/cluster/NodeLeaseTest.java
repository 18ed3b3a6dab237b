package io.agentgovernor.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class NodeLeaseTest {

  private static final long MS = 1_000_000L;

  @Test
  @DisplayName("the lease holds until its end on the monotonic clock, and only then")
  void holdsUntilItsEnd() {
    NodeLease lease = new NodeLease(60_000);
    long now = System.nanoTime();
    assertThat(lease.holds(now)).isTrue();
    assertThat(lease.holds(now + 61_000 * MS)).isFalse();
    lease.extendTo(now + 120_000 * MS);
    assertThat(lease.holds(now + 119_000 * MS)).isTrue();
    assertThat(lease.holds(now + 121_000 * MS)).isFalse();
  }

  @Test
  @DisplayName("an extension never shortens the lease")
  void neverShortens() {
    NodeLease lease = new NodeLease(60_000);
    long now = System.nanoTime();
    lease.extendTo(now + 1_000 * MS);
    assertThat(lease.holds(now + 59_000 * MS)).isTrue();
  }

  @Test
  @DisplayName("regaining a lost lease runs the regain action once; extending a held one does not")
  void regainRunsTheActionOnce() {
    NodeLease lease = new NodeLease(60_000);
    AtomicInteger regained = new AtomicInteger();
    lease.onRegained(regained::incrementAndGet);
    lease.extendTo(System.nanoTime() + 120_000 * MS);
    assertThat(regained).hasValue(0);
    lease.revoke();
    assertThat(lease.holds(System.nanoTime())).isFalse();
    lease.extendTo(System.nanoTime() - 1_000 * MS); // an answer that came too late: still lost
    assertThat(regained).hasValue(0);
    assertThat(lease.holds(System.nanoTime())).isFalse();
    lease.extendTo(System.nanoTime() + 60_000 * MS);
    assertThat(regained).hasValue(1);
    assertThat(lease.holds(System.nanoTime())).isTrue();
  }
}
