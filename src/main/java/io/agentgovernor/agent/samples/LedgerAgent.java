package io.agentgovernor.agent.samples;

import io.agentgovernor.agent.GovernedAgent;
import io.agentgovernor.bus.Ids;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A counter that remembers what it counted: each inbox message {@code {"id": "..."}} (an id of
 * {@code [A-Za-z0-9._-]{1,128}}; other messages are counted as anonymous) is appended
 * to its state, the ordered list of counted ids (kept up to {@code maxIds}, then only counted),
 * which travels in its snapshot across migration and restart. A duplicate in that list is a
 * message counted twice. With {@code dir}, every handled message is also appended as
 * {@code <epochMillis> <nodeId> <epoch> <id>} to {@code <dir>/<agentId>@<nodeId>.ledger}, so a
 * checker sees which copy handled it even when that copy's state was lost.
 */
public final class LedgerAgent extends GovernedAgent {

  private final Path dir;
  private final int maxIds;
  private final List<String> ids = new ArrayList<>();
  private long count;
  private long anonymous;
  private AppendLog log;

  /** {@code dir} may be null: no file. */
  public LedgerAgent(Path dir, int maxIds) {
    this.dir = dir;
    this.maxIds = maxIds;
  }

  @Override
  protected Future<?> onStart() {
    agent().retain(ids);
    Future<?> ready = Future.succeededFuture();
    if (dir != null) {
      log = new AppendLog(agent(), dir.resolve(agent().id() + "@" + agent().nodeId() + ".ledger"));
      ready = agent().executeBlocking(() -> Files.createDirectories(dir));
    }
    return ready.onSuccess(v -> agent().onMessage(msg -> {
      // only well-formed ids are kept: one per line in the ledger file, nothing to escape
      String id = msg.body() instanceof JsonObject body && body.getValue("id") instanceof String s && Ids.isValid(s) ? s : null;
      count(id);
      if (msg.replyAddress() != null) {
        msg.reply(new JsonObject().put("count", count));
      }
    }));
  }

  private void count(String id) {
    count++;
    if (id == null) {
      anonymous++;
      return;
    }
    if (ids.size() < maxIds) {
      ids.add(id);
    }
    if (log != null) {
      log.append(System.currentTimeMillis() + " " + agent().nodeId() + " " + agent().epoch() + " " + id);
    }
  }

  @Override
  public JsonObject status() {
    return new JsonObject().put("count", count).put("anonymous", anonymous).put("ids", new JsonArray(new ArrayList<>(ids)))
        .put("dropped", log == null ? 0 : log.dropped()).put("writeFailures", log == null ? 0 : log.failures());
  }

  @Override
  public JsonObject snapshot() {
    return new JsonObject().put("count", count).put("anonymous", anonymous).put("ids", new JsonArray(new ArrayList<>(ids)));
  }

  @Override
  public void restore(JsonObject snapshot) {
    count = snapshot.getLong("count", 0L);
    anonymous = snapshot.getLong("anonymous", 0L);
    ids.clear();
    snapshot.getJsonArray("ids", new JsonArray()).forEach(id -> ids.add(String.valueOf(id)));
  }
}
