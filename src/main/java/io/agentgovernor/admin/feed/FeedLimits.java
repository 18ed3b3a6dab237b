package io.agentgovernor.admin.feed;

import io.vertx.core.json.JsonObject;

/**
 * Back-pressure bounds of one feed subscriber (config {@code admin.feed}): the bytes its socket may
 * buffer, the events it may have waiting, how many agents' latest measurements it keeps while
 * behind, and how long it may stay behind before it is closed.
 */
public record FeedLimits(int socketWriteQueueBytes, int maxQueued, int maxSampledAgents, long maxBehindMs) {

  public static FeedLimits fromJson(JsonObject feed) {
    JsonObject f = feed == null ? new JsonObject() : feed;
    return new FeedLimits(f.getInteger("socketWriteQueueBytes", 256 * 1024), f.getInteger("maxQueued", 1000),
        f.getInteger("maxSampledAgents", 1000), f.getLong("maxBehindMs", 30_000L));
  }
}
