package io.agentgovernor.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.agentgovernor.admin.feed.FeedEvent;
import io.agentgovernor.admin.feed.FeedFilter;
import io.agentgovernor.bus.GovernorException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The admin part's pure pieces: failed-auth limiter, audit ring, report CSV, feed filters. */
class AdminUnitsTest {

  @Test
  @DisplayName("the limiter blocks an address at its budget for the rest of its window, and remembers a bounded number of addresses")
  void limiter() {
    AuthFailureLimiter limiter = new AuthFailureLimiter(3, 100);
    for (int i = 0; i < 3; i++) {
      assertThat(limiter.blockedFor("10.0.0.1", 1000)).isZero();
      limiter.recordFailure("10.0.0.1", 1000);
    }
    assertThat(limiter.blockedFor("10.0.0.1", 1000)).isEqualTo(60_000);
    assertThat(limiter.blockedFor("10.0.0.1", 31_000)).isEqualTo(30_000);
    assertThat(limiter.blockedFor("10.0.0.2", 1000)).isZero();
    assertThat(limiter.blockedFor("10.0.0.1", 61_000)).isZero();
    for (int i = 0; i < 10_000; i++) {
      limiter.recordFailure("addr-" + i, 2000);
    }
    assertThat(limiter.tracked()).isEqualTo(100);
  }

  @Test
  @DisplayName("the audit ring keeps the newest entries up to its capacity and pages newest first")
  void auditRing() {
    AuditLog audit = new AuditLog(3);
    for (int i = 0; i < 5; i++) {
      audit.record("token:operator", "PUT", "/api/v1/quotas/a" + i, 200, i);
    }
    JsonObject page = audit.page(0, 10);
    assertThat(page.getInteger("total")).isEqualTo(3);
    assertThat(page.getJsonArray("items").getJsonObject(0).getString("path")).endsWith("a4");
    assertThat(audit.page(2, 10).getJsonArray("items").getJsonObject(0).getString("path")).endsWith("a2");
  }

  @Test
  @DisplayName("a report renders as CSV: a row per agent and resource, stats as columns, counts, RFC 4180 quoting")
  void reportCsv() {
    JsonObject report = new JsonObject("""
        {"from": 1, "to": 2, "agents": [
          {"agentId": "a1", "usage": {"cpu": {"avg": 10, "max": 20}, "memory": {"avg": 5, "p95": 7}},
           "violations": 3, "actions": [{"action": "warn"}], "recommendations": []},
          {"agentId": "b,2", "usage": {}, "violations": {"soft": 2, "hard": 1}}]}""");
    assertThat(ReportCsv.render(report)).isEqualTo(
        "from,to,agentId,resource,avg,max,p95,violations,actions,recommendations\r\n"
            + "1,2,a1,cpu,10,20,,3,1,0\r\n"
            + "1,2,a1,memory,5,,7,3,1,0\r\n"
            + "1,2,\"b,2\",,,,,3,,\r\n");
    assertThat(ReportCsv.field("=cmd()")).isEqualTo("\"'=cmd()\"");
  }

  @Test
  @DisplayName("feed filters: empty means all; agent filters pass only events naming a listed agent; bad ids refused")
  void feedFilter() {
    FeedEvent alert = new FeedEvent("alert", "a1", "{}");
    FeedEvent node = new FeedEvent("node", null, "{}");
    assertThat(FeedFilter.ALL.matches(alert)).isTrue();
    assertThat(FeedFilter.fromQuery("alert,violation", null).matches(alert)).isTrue();
    assertThat(FeedFilter.fromQuery("violation", null).matches(alert)).isFalse();
    assertThat(FeedFilter.fromQuery(null, "a1").matches(alert)).isTrue();
    assertThat(FeedFilter.fromQuery(null, "a1").matches(node)).isFalse();
    assertThat(FeedFilter.fromJson(new JsonObject("{\"types\": [\"node\"]}")).matches(node)).isTrue();
    assertThatThrownBy(() -> FeedFilter.fromQuery("bad type", null)).isInstanceOf(GovernorException.class);
    assertThatThrownBy(() -> FeedFilter.fromJson(new JsonObject("{\"agents\": [1]}"))).isInstanceOf(GovernorException.class);
  }
}
