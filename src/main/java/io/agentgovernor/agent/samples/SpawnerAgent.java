package io.agentgovernor.agent.samples;

import io.agentgovernor.agent.ControlAck;
import io.agentgovernor.agent.GovernedAgent;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** Deploys {@code children} child verticles, each a real deployment counted under processes. */
public final class SpawnerAgent extends GovernedAgent {

  private final int children;
  private final List<String> deployments = new ArrayList<>();

  public SpawnerAgent(int children) {
    this.children = children;
  }

  @Override
  protected Future<?> onStart() {
    List<Future<String>> spawned = new ArrayList<>();
    for (int i = 0; i < children; i++) {
      spawned.add(agent().deployChild(new Child(), new DeploymentOptions()).onSuccess(deployments::add));
    }
    agent().onMessage(msg -> {
      if (msg.replyAddress() != null) {
        msg.reply(status());
      }
    });
    return Future.all(spawned);
  }

  @Override
  public ControlAck onScaleDown(String resource, double target, long deadline) {
    if (!resource.equals("processes")) {
      return ControlAck.UNSUPPORTED;
    }
    while (deployments.size() > target) {
      agent().undeployChild(deployments.remove(deployments.size() - 1));
    }
    return ControlAck.APPLIED;
  }

  @Override
  public JsonObject status() {
    return new JsonObject().put("children", deployments.size());
  }

  /** A child that exists: a deployment with a context of its own. */
  static final class Child extends VerticleBase {
  }
}
