package io.agentgovernor.bus;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.OperationTimeoutException;
import com.hazelcast.splitbrainprotection.SplitBrainProtectionException;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ErrorCodeTest {

  @Test
  @DisplayName("a governor failure keeps its code and message, across the bus too")
  void governorFailuresKeepTheirCode() {
    GovernorException notFound = GovernorException.notFound("agent", "a-1");
    assertThat(ErrorCode.of(notFound)).isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(ErrorCode.messageOf(notFound)).isEqualTo(notFound.getMessage());
    ReplyException relayed = new ReplyException(ReplyFailure.RECIPIENT_FAILURE, ErrorCode.INVALID_LIMIT.failureCode(), "limit below 0");
    assertThat(ErrorCode.of(relayed)).isEqualTo(ErrorCode.INVALID_LIMIT);
    assertThat(ErrorCode.messageOf(relayed)).isEqualTo("limit below 0");
  }

  @Test
  @DisplayName("timeouts, missing handlers and a minority side are availability failures, not internal errors")
  void availabilityFailuresAreNotInternal() {
    assertThat(ErrorCode.of(new ReplyException(ReplyFailure.TIMEOUT, "Timed out after waiting 15000(ms)")))
        .isEqualTo(ErrorCode.TIMEOUT);
    assertThat(ErrorCode.of(new ReplyException(ReplyFailure.NO_HANDLERS, "No handlers for address x")))
        .isEqualTo(ErrorCode.UNAVAILABLE);
    assertThat(ErrorCode.of(new OperationTimeoutException("op timed out"))).isEqualTo(ErrorCode.TIMEOUT);
    assertThat(ErrorCode.of(new SplitBrainProtectionException("no quorum"))).isEqualTo(ErrorCode.UNAVAILABLE);
    // the node's own wording (addresses, classes) never reaches the client
    assertThat(ErrorCode.messageOf(new ReplyException(ReplyFailure.NO_HANDLERS, "No handlers for address governor.x")))
        .doesNotContain("governor.x");
  }

  @Test
  @DisplayName("anything else is internal, and its message is not shown")
  void everythingElseIsInternal() {
    IllegalStateException bug = new IllegalStateException("index 3 out of bounds at Foo.java:12");
    assertThat(ErrorCode.of(bug)).isEqualTo(ErrorCode.INTERNAL);
    assertThat(ErrorCode.messageOf(bug)).isEqualTo("internal error");
    assertThat(ErrorCode.of(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, 77, "foreign"))).isEqualTo(ErrorCode.INTERNAL);
    assertThat(ErrorCode.messageOf(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, 77, "foreign"))).isEqualTo("internal error");
  }
}
