package io.agentgovernor.quota;

import static io.agentgovernor.testing.TestNodes.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.agentgovernor.bus.Addresses;
import io.agentgovernor.bus.ErrorCode;
import io.agentgovernor.node.GovernorNode;
import io.agentgovernor.testing.TestNodes;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The quota part's event-bus API on a real node (a cluster of one). */
class QuotaApiTest {

  private static GovernorNode node;

  @BeforeAll
  static void startNode() {
    node = TestNodes.start(TestNodes.config(TestNodes.randomClusterName(), TestNodes.randomClusterPort(), "api", List.of()));
  }

  @AfterAll
  static void stopNode() {
    TestNodes.closeAll(node);
  }

  private static ErrorCode failureOf(String address, String json) {
    try {
      request(node, address, new JsonObject(json));
    } catch (ReplyException e) {
      return ErrorCode.ofFailureCode(e.failureCode());
    }
    throw new AssertionError("expected " + address + " to fail for " + json);
  }

  @Test
  @DisplayName("create, get, update with version check, list, compliance and delete work end to end")
  void lifecycle() {
    JsonObject created = request(node, Addresses.QUOTA_CREATE, new JsonObject("""
        {"agentId": "life-1", "group": "standard_agent", "limits": {"cpu": {"soft": 10, "hard": 20}}}"""));
    // versions are a hybrid clock (cluster.Versions): the first is the write's time
    assertThat(created.getLong("version")).isEqualTo(created.getLong("createdAt"));
    assertThat(created.getJsonObject("limits").getJsonObject("cpu").getInteger("hard")).isEqualTo(20);
    assertThat(created.getJsonObject("limits").getJsonObject("memory").getLong("hard")).isEqualTo(500_000_000L);

    assertThat(request(node, Addresses.QUOTA_GET, new JsonObject().put("agentId", "life-1"))).isEqualTo(created);

    JsonObject updated = request(node, Addresses.QUOTA_UPDATE, new JsonObject("""
        {"agentId": "life-1", "group": "standard_agent", "priority": 8,
         "limits": {"cpu": {"soft": 30, "hard": 40}}}""").put("version", created.getLong("version")));
    // above the one it replaced, and at least the write's time
    assertThat(updated.getLong("version")).isEqualTo(Math.max(created.getLong("version") + 1, updated.getLong("updatedAt")));
    assertThat(updated.getInteger("priority")).isEqualTo(8);
    assertThat(updated.getLong("createdAt")).isEqualTo(created.getLong("createdAt"));

    assertThat(failureOf(Addresses.QUOTA_UPDATE, new JsonObject().put("agentId", "life-1").put("group", "standard_agent")
        .put("version", created.getLong("version")).encode())).isEqualTo(ErrorCode.VERSION_CONFLICT);

    JsonObject check = request(node, Addresses.QUOTA_COMPLIANCE, new JsonObject("""
        {"agentId": "life-1", "usage": {"cpu": 45, "memory": 1000}}"""));
    assertThat(check.getBoolean("compliant")).isFalse();
    assertThat(check.getJsonArray("violations")).containsExactly(new JsonObject()
        .put("resource", "cpu").put("violation", "hard").put("current", 45L).put("limit", 40L));

    JsonObject page = request(node, Addresses.QUOTA_LIST, new JsonObject().put("limit", 1));
    assertThat(page.getInteger("total")).isGreaterThanOrEqualTo(1);
    assertThat(page.getJsonArray("items")).hasSize(1);

    assertThat(request(node, Addresses.QUOTA_DELETE, new JsonObject().put("agentId", "life-1")).getBoolean("deleted")).isTrue();
    assertThat(failureOf(Addresses.QUOTA_GET, "{\"agentId\": \"life-1\"}")).isEqualTo(ErrorCode.NOT_FOUND);
  }

  @Test
  @DisplayName("upsert creates a missing quota; a plain update of a missing quota is NOT_FOUND")
  void upsert() {
    assertThat(failureOf(Addresses.QUOTA_UPDATE, "{\"agentId\": \"ups-1\", \"group\": \"standard_agent\"}"))
        .isEqualTo(ErrorCode.NOT_FOUND);
    JsonObject created = request(node, Addresses.QUOTA_UPDATE,
        new JsonObject("{\"agentId\": \"ups-1\", \"group\": \"lightweight_agent\", \"upsert\": true}"));
    assertThat(created.getString("group")).isEqualTo("lightweight_agent");
    assertThat(created.getLong("version")).isEqualTo(created.getLong("createdAt"));
  }

  @Test
  @DisplayName("list pages in agent-id order and filters by group")
  void paging() {
    for (int i = 0; i < 5; i++) {
      request(node, Addresses.QUOTA_CREATE, new JsonObject().put("agentId", "page-" + i).put("group", "heavy_computation_agent"));
    }
    JsonObject page = request(node, Addresses.QUOTA_LIST,
        new JsonObject().put("group", "heavy_computation_agent").put("offset", 1).put("limit", 2));
    assertThat(page.getInteger("total")).isEqualTo(5);
    JsonArray items = page.getJsonArray("items");
    assertThat(items.stream().map(o -> ((JsonObject) o).getString("agentId"))).containsExactly("page-1", "page-2");
  }

  @Test
  @DisplayName("groups can be listed, read and changed at run time")
  void groups() {
    JsonObject list = request(node, Addresses.GROUP_LIST, new JsonObject());
    assertThat(list.getJsonArray("items")).hasSizeGreaterThanOrEqualTo(3);
    JsonObject put = request(node, Addresses.GROUP_PUT, new JsonObject("""
        {"name": "tiny", "priority": 1, "defaultLimits": {"cpu": {"soft": 1, "hard": 2}}, "totalLimits": {"cpu": 4}}"""));
    assertThat(put.getString("name")).isEqualTo("tiny");
    assertThat(request(node, Addresses.GROUP_GET, new JsonObject().put("name", "tiny"))).isEqualTo(put);
  }

  @Test
  @DisplayName("admission: soft limits (what agents are promised) beyond the group's total are refused, nothing is stored; hard limits are not summed")
  void admission() {
    request(node, Addresses.GROUP_PUT, new JsonObject("""
        {"name": "small", "defaultLimits": {"cpu": {"soft": 20, "hard": 40}}, "totalLimits": {"cpu": 50}}"""));
    request(node, Addresses.QUOTA_CREATE, new JsonObject("{\"agentId\": \"adm-1\", \"group\": \"small\"}"));
    // promised 40 of 50, although the hard limits add up to 80
    request(node, Addresses.QUOTA_CREATE, new JsonObject("{\"agentId\": \"adm-2\", \"group\": \"small\"}"));
    assertThat(failureOf(Addresses.QUOTA_CREATE, "{\"agentId\": \"adm-3\", \"group\": \"small\"}"))
        .isEqualTo(ErrorCode.ADMISSION_REFUSED);
    assertThat(failureOf(Addresses.QUOTA_GET, "{\"agentId\": \"adm-3\"}")).isEqualTo(ErrorCode.NOT_FOUND);
    // a smaller soft limit still fits, whatever its hard limit
    request(node, Addresses.QUOTA_CREATE, new JsonObject("""
        {"agentId": "adm-3", "group": "small", "limits": {"cpu": {"soft": 10, "hard": 40}}}"""));
    // and an overcommit factor makes room
    request(node, Addresses.GROUP_PUT, new JsonObject("""
        {"name": "small", "overcommit": 2, "defaultLimits": {"cpu": {"soft": 20, "hard": 40}}, "totalLimits": {"cpu": 50}}"""));
    request(node, Addresses.QUOTA_CREATE, new JsonObject("{\"agentId\": \"adm-4\", \"group\": \"small\"}"));
  }

  @ParameterizedTest(name = "{0} {1} → {2}")
  @CsvSource(delimiter = '|', value = {
      "governor.quota.create     | {\"agentId\": \"bad id\", \"group\": \"standard_agent\"}          | INVALID_ID",
      "governor.quota.create     | {\"group\": \"standard_agent\"}                                    | INVALID_ID",
      "governor.quota.create     | {\"agentId\": \"e1\", \"group\": \"nope\"}                         | UNKNOWN_GROUP",
      "governor.quota.create     | {\"agentId\": \"e1\"}                                              | UNKNOWN_GROUP",
      "governor.quota.create     | {\"agentId\": \"e1\", \"group\": \"standard_agent\", \"limits\": {\"cpu\": {\"soft\": 9, \"hard\": 1}}} | INVALID_LIMIT",
      "governor.quota.create     | {\"agentId\": \"e1\", \"group\": \"standard_agent\", \"limits\": {\"cpu\": {\"soft\": -9, \"hard\": 1}}} | INVALID_LIMIT",
      "governor.quota.create     | {\"agentId\": \"e1\", \"group\": \"standard_agent\", \"limits\": {\"gpu\": {\"soft\": 1, \"hard\": 2}}} | UNKNOWN_RESOURCE",
      "governor.quota.create     | {\"agentId\": 7, \"group\": \"standard_agent\"}                    | INVALID_REQUEST",
      "governor.quota.create     | {\"agentId\": \"e1\", \"group\": \"standard_agent\", \"priority\": \"high\"} | INVALID_REQUEST",
      "governor.quota.get        | {\"agentId\": \"nobody\"}                                          | NOT_FOUND",
      "governor.quota.delete     | {\"agentId\": \"nobody\"}                                          | NOT_FOUND",
      "governor.quota.update     | {\"agentId\": \"nobody\"}                                          | INVALID_REQUEST",
      "governor.quota.list       | {\"limit\": 0}                                                     | INVALID_REQUEST",
      "governor.quota.list       | {\"offset\": -1}                                                   | INVALID_REQUEST",
      "governor.quota.compliance | {\"agentId\": \"nobody\", \"usage\": {}}                           | NOT_FOUND",
      "governor.quota.compliance | {\"agentId\": \"nobody\"}                                          | INVALID_REQUEST",
      "governor.group.get        | {\"name\": \"nope\"}                                               | NOT_FOUND",
      "governor.group.put        | {\"name\": \"g\", \"overcommit\": 0}                               | INVALID_GROUP",
  })
  @DisplayName("every bad request fails with its code")
  void failureCodes(String address, String body, ErrorCode expected) {
    assertThat(failureOf(address.trim(), body)).isEqualTo(expected);
  }

  @Test
  @DisplayName("a second create of the same agent is ALREADY_EXISTS and leaves the first untouched")
  void duplicate() {
    JsonObject first = request(node, Addresses.QUOTA_CREATE, new JsonObject("{\"agentId\": \"dup\", \"group\": \"standard_agent\"}"));
    assertThat(failureOf(Addresses.QUOTA_CREATE, "{\"agentId\": \"dup\", \"group\": \"lightweight_agent\"}"))
        .isEqualTo(ErrorCode.ALREADY_EXISTS);
    assertThat(request(node, Addresses.QUOTA_GET, new JsonObject().put("agentId", "dup"))).isEqualTo(first);
  }

  @Test
  @DisplayName("a non-object body fails with INVALID_REQUEST")
  void nonObjectBody() {
    assertThatThrownBy(() -> node.vertx().eventBus().request(Addresses.QUOTA_GET, "text").await())
        .isInstanceOfSatisfying(ReplyException.class,
            e -> assertThat(ErrorCode.ofFailureCode(e.failureCode())).isEqualTo(ErrorCode.INVALID_REQUEST));
  }
}
