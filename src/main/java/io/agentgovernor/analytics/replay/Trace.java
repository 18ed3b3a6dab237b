package io.agentgovernor.analytics.replay;

import java.util.List;
import java.util.Set;

/**
 * A parsed usage trace: entities in order of first appearance, each sorted by time.
 *
 * @param rows the number of data rows read
 * @param resources the resources the trace was read for
 */
public record Trace(List<EntitySeries> entities, int rows, Set<ReplayResource> resources) {

  public Trace {
    entities = List.copyOf(entities);
    resources = Set.copyOf(resources);
  }
}
