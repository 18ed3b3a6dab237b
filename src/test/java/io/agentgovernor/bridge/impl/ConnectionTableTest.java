package io.agentgovernor.bridge.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.agentgovernor.bridge.impl.ConnectionTable.Reason;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ConnectionTableTest {

  @Test
  @DisplayName("unregistered connections are capped: the oldest makes way; claiming ones are never displaced")
  void unregisteredCap() {
    ConnectionTable<String> table = new ConnectionTable<>(10, 2, 1000, 5000);
    assertThat(table.admit("c1", 0)).isNull();
    assertThat(table.admit("c2", 1)).isNull();
    assertThat(table.claim("c1")).isTrue();
    assertThat(table.admit("c3", 2)).isNull();
    assertThat(table.admit("c4", 3)).isEqualTo("c2");
    assertThat(table.unregisteredCount()).isEqualTo(2);
    assertThat(table.claimingCount()).isEqualTo(1);
    assertThat(table.claim("c3")).isTrue();
    assertThat(table.claim("c4")).isFalse(); // two claim already
  }

  @Test
  @DisplayName("a refused register coming back to full unregistered places displaces the oldest: never more than the cap")
  void refusedRegisterKeepsTheCap() {
    ConnectionTable<String> table = new ConnectionTable<>(10, 2, 1000, 5000);
    table.admit("c1", 0);
    table.admit("c2", 1);
    assertThat(table.claim("c1")).isTrue();
    assertThat(table.admit("c3", 2)).isNull(); // c1's place, taken while it claims
    assertThat(table.unclaim("c1")).isEqualTo("c2"); // before: nothing displaced, 3 of 2 held
    assertThat(table.unregisteredCount()).isEqualTo(2);
    assertThat(table.claimingCount()).isZero();
    assertThat(table.unclaim("c1")).as("not claiming").isNull();
    assertThat(table.unregisteredCount()).isEqualTo(2);
  }

  @Test
  @DisplayName("one connection per agent: binding a second closes the first; bound connections are capped")
  void oneConnectionPerAgent() {
    ConnectionTable<String> table = new ConnectionTable<>(2, 10, 1000, 5000);
    for (String c : new String[] {"c1", "c2", "c3", "c4"}) {
      table.admit(c, 0);
      table.claim(c);
    }
    assertThat(table.bind("c1", "a", 0)).isNull();
    assertThat(table.bind("c2", "a", 0)).isEqualTo("c1");
    assertThat(table.agentOf("c1")).isNull();
    assertThat(table.connectionOf("a")).isEqualTo("c2");
    assertThat(table.remove("c1")).isNull(); // its close does not touch agent a
    assertThat(table.bind("c3", "b", 0)).isNull();
    assertThat(table.hasRoomToBind()).isFalse();
    assertThatThrownBy(() -> table.bind("c4", "c", 0)).isInstanceOf(IllegalStateException.class);
    assertThat(table.remove("c2")).isEqualTo("a");
    assertThat(table.connectionOf("a")).isNull();
  }

  @Test
  @DisplayName("deadlines: unregistered ones must register in time, registered ones must send frames; a refused register keeps its deadline")
  void deadlines() {
    ConnectionTable<String> table = new ConnectionTable<>(10, 10, 1000, 5000);
    table.admit("slow", 0);
    table.admit("agent", 0);
    table.claim("agent");
    table.bind("agent", "a", 500);
    table.admit("late", 900);
    table.claim("late");
    assertThat(table.expired(999)).isEmpty();
    table.unclaim("late");
    assertThat(table.expired(1000)).extracting(ConnectionTable.Close::connection).containsExactly("slow");
    assertThat(table.expired(1900)).extracting(ConnectionTable.Close::reason).containsOnly(Reason.REGISTER_TIMEOUT);
    table.remove("slow");
    table.remove("late");
    table.touch("agent", 4000);
    assertThat(table.expired(8999)).isEmpty();
    assertThat(table.expired(9000)).containsExactly(new ConnectionTable.Close<>("agent", Reason.IDLE_TIMEOUT));
  }
}
