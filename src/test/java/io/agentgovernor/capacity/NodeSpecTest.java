package io.agentgovernor.capacity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.agentgovernor.config.ConfigLoader;
import io.agentgovernor.quota.Resource;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class NodeSpecTest {

  private static double reservedShare(NodeSpec spec, Resource r) {
    return spec.reserved()[r.index()] / spec.total()[r.index()];
  }

  @Test
  @DisplayName("by default the seed's system reserves: memory 25 %, cpu 20 %, processes 10 %, files 1,000 of 10,000, network 100 Mbit/s of 1 Gbit/s")
  void seedReserves() {
    for (JsonObject capacity : new JsonObject[] {new JsonObject(), ConfigLoader.builtInDefaults().getJsonObject("capacity")}) {
      NodeSpec spec = NodeSpec.measure(capacity);
      assertThat(reservedShare(spec, Resource.MEMORY)).isCloseTo(0.25, org.assertj.core.data.Offset.offset(1e-6));
      assertThat(reservedShare(spec, Resource.CPU)).isCloseTo(0.20, org.assertj.core.data.Offset.offset(1e-9));
      assertThat(reservedShare(spec, Resource.PROCESSES)).isCloseTo(0.10, org.assertj.core.data.Offset.offset(1e-3));
      assertThat(spec.total()[Resource.NETWORK.index()]).isEqualTo(125e6);
      assertThat(spec.reserved()[Resource.NETWORK.index()]).isEqualTo(12.5e6);
      if (spec.total()[Resource.FILES.index()] == 10_000) { // unless the OS allows fewer descriptors
        assertThat(spec.reserved()[Resource.FILES.index()]).isEqualTo(1_000);
      }
      assertThat(spec.total()[Resource.DISK.index()]).isPositive();
    }
  }

  @Test
  @DisplayName("reserves are configurable per resource; a bad fraction or resource is refused")
  void configured() {
    NodeSpec spec = NodeSpec.measure(new JsonObject().put("reserve", new JsonObject().put("memory", 0.5)).put("reservedFraction", 0));
    assertThat(reservedShare(spec, Resource.MEMORY)).isCloseTo(0.5, org.assertj.core.data.Offset.offset(1e-6));
    assertThat(spec.reserved()[Resource.CONNECTIONS.index()]).isZero();
    assertThatThrownBy(() -> NodeSpec.measure(new JsonObject().put("reserve", new JsonObject().put("cpu", 1.0))))
        .hasMessageContaining("capacity.reserve.cpu must be a fraction in [0, 1)");
    assertThatThrownBy(() -> NodeSpec.measure(new JsonObject().put("reserve", new JsonObject().put("gpu", 0.1))))
        .hasMessageContaining("capacity.reserve.gpu: unknown resource");
  }
}
