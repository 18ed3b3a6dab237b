package io.agentgovernor.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The lease's grant rule: a majority that includes the oldest member (the failover sweeper). */
class LeaseRoundTest {

  @Test
  @DisplayName("seed 7: a node resumed from SIGSTOP is still counted by one peer but no longer by the oldest: no lease")
  void majorityWithoutTheSweeperGrantsNothing() {
    LeaseRound j2 = new LeaseRound("j2", "j1");
    assertThat(j2.add(LeaseRound.answer(true, "j3", "j1", "n3"), 2)).as("j3 still counts j2").isFalse();
    assertThat(j2.add(LeaseRound.answer(false, "j1", "j1", "n1"), 2)).as("the sweeper dropped j2").isFalse();
    assertThat(j2.confirmed()).isEqualTo(1);
  }

  @Test
  @DisplayName("with the oldest member among a majority the lease is granted, whichever answers first")
  void majorityWithTheSweeperGrants() {
    LeaseRound j2 = new LeaseRound("j2", "j1");
    assertThat(j2.add(LeaseRound.answer(true, "j3", "j1", "n3"), 2)).isFalse();
    assertThat(j2.add(LeaseRound.answer(true, "j1", "j1", "n1"), 2)).isTrue();

    LeaseRound first = new LeaseRound("j2", "j1");
    assertThat(first.add(LeaseRound.answer(true, "j1", "j1", "n1"), 2)).isTrue();
  }

  @Test
  @DisplayName("the oldest member needs only a majority; a peer that sees another oldest does not count; a node alone holds its own")
  void selfOldestAndDisagreeingPeers() {
    LeaseRound j1 = new LeaseRound("j1", "j1");
    assertThat(j1.granted(2)).isFalse();
    assertThat(j1.add(LeaseRound.answer(true, "j3", "j3", "n3"), 2)).as("j3's view names another oldest").isFalse();
    assertThat(j1.add(LeaseRound.answer(true, "j2", "j1", "n2"), 2)).isTrue();
    assertThat(new LeaseRound("solo", "solo").granted(1)).isTrue();
    assertThat(new LeaseRound("x", null).granted(1)).as("no view yet").isFalse();
  }
}
