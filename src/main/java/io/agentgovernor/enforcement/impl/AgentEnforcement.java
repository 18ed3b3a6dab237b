package io.agentgovernor.enforcement.impl;

import io.agentgovernor.enforcement.policy.DecisionSequence;
import io.agentgovernor.enforcement.policy.EscalationState;
import io.agentgovernor.enforcement.policy.ScaleDownRequest;
import io.agentgovernor.enforcement.policy.ThrottleController;
import io.agentgovernor.quota.Resource;
import io.vertx.core.Future;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Everything enforcement holds about one agent on its node: the escalation state of each resource
 * (sharing one decision sequence), the throttle loops, pending scale-down requests, and which
 * resources hold it suspended. Actions on one agent are applied one after the other through
 * {@link #tail}, and one older than the last applied is superseded.
 */
final class AgentEnforcement {

  final String agentId;
  final DecisionSequence sequence = new DecisionSequence();
  final Map<String, EscalationState> states = new HashMap<>();
  final Map<String, ThrottleController> throttles = new HashMap<>();
  /** Throttle loops started this interval: their first factor stands until the next sample. */
  final Set<String> freshThrottles = new HashSet<>();
  final Map<String, ScaleDownRequest> scaleDowns = new HashMap<>();
  final Set<String> suspendedBy = new HashSet<>();
  boolean suspendedByOperator;
  double appliedFactor = 1.0;
  long lastApplied;
  Future<?> tail = Future.succeededFuture();

  AgentEnforcement(String agentId) {
    this.agentId = agentId;
  }

  EscalationState state(Resource resource) {
    return states.computeIfAbsent(resource.name(), r -> new EscalationState(agentId, resource, sequence));
  }

  /** The factor the agent should run at: the tightest of its throttle loops. */
  double throttleFactor() {
    double f = 1.0;
    for (ThrottleController c : throttles.values()) {
      f = Math.min(f, c.factor());
    }
    return f;
  }

  boolean shouldBeSuspended() {
    return suspendedByOperator || !suspendedBy.isEmpty();
  }
}
