package io.agentgovernor.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.spi.merge.SplitBrainMergeTypes.MapMergeTypes;
import java.lang.reflect.Proxy;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class VersionedMergePolicyTest {

  private final VersionedMergePolicy policy = new VersionedMergePolicy();

  /** An entry as Hazelcast hands it to a merge policy: value (also as the raw value) and last update time. */
  @SuppressWarnings("unchecked")
  private static MapMergeTypes<Object, Object> entry(String value, long lastUpdate) {
    return (MapMergeTypes<Object, Object>) Proxy.newProxyInstance(MapMergeTypes.class.getClassLoader(),
        new Class<?>[] {MapMergeTypes.class}, (proxy, method, args) -> switch (method.getName()) {
          case "getValue", "getRawValue" -> value;
          case "getLastUpdateTime" -> lastUpdate;
          default -> throw new UnsupportedOperationException(method.getName());
        });
  }

  @Test
  @DisplayName("the higher version wins whichever side it is on, even if updated earlier")
  void higherVersionWins() {
    assertThat(policy.merge(entry("{\"version\":3}", 10), entry("{\"version\":2}", 20))).isEqualTo("{\"version\":3}");
    assertThat(policy.merge(entry("{\"version\":2}", 20), entry("{\"version\":3}", 10))).isEqualTo("{\"version\":3}");
  }

  @Test
  @DisplayName("a tombstone beats the older live value it replaced, so a merge does not bring a delete back")
  void tombstoneBeatsOlderLiveValue() {
    String tombstone = Maps.tombstone(3);
    assertThat(policy.merge(entry("{\"agentId\":\"a\",\"version\":2}", 30), entry(tombstone, 10))).isEqualTo(tombstone);
  }

  @Test
  @DisplayName("without versions (or on a tie) the later update wins; an entry only one side has is kept")
  void latestUpdateOtherwise() {
    assertThat(policy.merge(entry("{\"time\":1}", 10), entry("{\"time\":2}", 20))).isEqualTo("{\"time\":2}");
    assertThat(policy.merge(entry("{\"version\":1,\"a\":1}", 30), entry("{\"version\":1,\"a\":2}", 20)))
        .isEqualTo("{\"version\":1,\"a\":1}");
    assertThat(policy.merge(entry("{\"version\":1}", 30), null)).isEqualTo("{\"version\":1}");
  }

  @Test
  @DisplayName("JepsenIT seed 7: the majority writes on from a stale promoted backup; its later write beats the cut-off side's higher count at the merge")
  void laterWriteOnStaleReplicaWinsTheMerge() {
    long t = 1_800_000_000_000L;
    // one key written 4 times on the side that is cut off at t + 4,000 (a write a second)
    long cutOff = 0;
    for (int i = 0; i < 4; i++) {
      cutOff = Versions.next(cutOff, t + i * 1_000);
    }
    // the majority's copy is a backup that missed the last three of them (promoted stale), and
    // takes one acknowledged write 6 s after the cut
    long stale = Versions.next(0, t);
    long majority = Versions.next(stale, t + 10_000);
    String cutOffValue = "{\"value\":4,\"version\":" + cutOff + "}";
    String majorityValue = "{\"value\":5,\"version\":" + majority + "}";
    assertThat(policy.merge(entry(cutOffValue, 40), entry(majorityValue, 10))).isEqualTo(majorityValue);
    // a counter (stale + 1 = 2 against 4) let the older value win
    assertThat(policy.merge(entry("{\"value\":4,\"version\":4}", 40), entry("{\"value\":5,\"version\":2}", 10)))
        .isEqualTo("{\"value\":4,\"version\":4}");
  }

  @Test
  @DisplayName("versions grow along a key's history even when the clock stands still or goes back")
  void versionsOnlyGrow() {
    assertThat(Versions.next(0, 5_000)).isEqualTo(5_000);
    assertThat(Versions.next(5_000, 5_000)).isEqualTo(5_001);
    assertThat(Versions.next(5_001, 4_000)).isEqualTo(5_002);
    assertThat(Versions.next(5_002, 9_000)).isEqualTo(9_000);
  }
}
