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
}
