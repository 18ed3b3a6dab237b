package io.agentgovernor.bridge.impl;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class LeasesTest {

  @Test
  @DisplayName("a lease expires once, grace after its connection went; a reconnect within the grace keeps it")
  void graceAndExpiry() {
    Leases leases = new Leases(1000);
    Object copy = new Object();
    leases.add("a", AgentSecret.generate(new StringBuilder()), copy);
    leases.disconnected("a", 0);
    assertThat(leases.expire(999)).isEmpty();
    assertThat(leases.connected("a")).isEqualTo(Leases.State.DISCONNECTED);
    assertThat(leases.expire(5000)).isEmpty();
    leases.disconnected("a", 6000);
    assertThat(leases.expire(7000)).containsExactly("a");
    assertThat(leases.expire(9000)).isEmpty();
    assertThat(leases.get("a").state()).isEqualTo(Leases.State.EXPIRED);
  }

  @Test
  @DisplayName("only the copy that owns a lease ends it: a late stop of an old copy leaves the new one's lease")
  void ownerOnly() {
    Leases leases = new Leases(1000);
    Object old = new Object();
    Object current = new Object();
    leases.add("a", AgentSecret.generate(new StringBuilder()), current);
    assertThat(leases.remove("a", old)).isFalse();
    assertThat(leases.size()).isEqualTo(1);
    assertThat(leases.remove("a", current)).isTrue();
    assertThat(leases.size()).isZero();
  }

  @Test
  @DisplayName("a secret matches itself only: not another, not null, not a non-string, and its text is never printed")
  void secret() {
    StringBuilder text = new StringBuilder();
    AgentSecret secret = AgentSecret.generate(text);
    assertThat(text.length()).isEqualTo(43);
    assertThat(secret.matches(text.toString())).isTrue();
    assertThat(secret.matches(text.toString() + "x")).isFalse();
    assertThat(secret.matches(AgentSecret.generate(new StringBuilder()).toString())).isFalse();
    assertThat(secret.matches(null)).isFalse();
    assertThat(secret.matches(42)).isFalse();
    assertThat(secret.toString()).doesNotContain(text);
  }

  @Test
  @DisplayName("refusal log: one line per interval with the count left out, in constant memory")
  void refusalLog() {
    RefusalLog log = new RefusalLog(10_000);
    assertThat(log.record(0)).isZero();
    for (int i = 1; i <= 1000; i++) {
      assertThat(log.record(i)).isEqualTo(-1);
    }
    assertThat(log.record(10_000)).isEqualTo(1000);
    assertThat(log.record(10_001)).isEqualTo(-1);
  }
}
