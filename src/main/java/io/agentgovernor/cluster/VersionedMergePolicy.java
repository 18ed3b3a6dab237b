package io.agentgovernor.cluster;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.spi.merge.SplitBrainMergePolicy;
import com.hazelcast.spi.merge.SplitBrainMergeTypes.MapMergeTypes;

/**
 * How an entry is settled when two halves of a split cluster merge: the value with the higher
 * top-level {@code "version"} wins (a {@link Maps#tombstone tombstone} has one, so a delete beats
 * the older live copy); on equal or absent versions, the one updated last wins; an entry only one
 * side has is kept. Named by class in every governor map's config, so it must be on every
 * member's classpath (it is in the node's jar).
 */
public final class VersionedMergePolicy implements SplitBrainMergePolicy<Object, MapMergeTypes<Object, Object>, Object> {

  @Override
  public Object merge(MapMergeTypes<Object, Object> merging, MapMergeTypes<Object, Object> existing) {
    if (existing == null) {
      return merging.getRawValue();
    }
    if (merging == null) {
      return existing.getRawValue();
    }
    long mergingVersion = version(merging.getValue());
    long existingVersion = version(existing.getValue());
    if (mergingVersion != existingVersion) {
      return mergingVersion > existingVersion ? merging.getRawValue() : existing.getRawValue();
    }
    return merging.getLastUpdateTime() > existing.getLastUpdateTime() ? merging.getRawValue() : existing.getRawValue();
  }

  /** The version of a JSON string value (-1 when it has none or is not one). */
  static long version(Object value) {
    return value instanceof String s ? MapMirror.jsonVersion(s) : -1;
  }

  @Override
  public void writeData(ObjectDataOutput out) {
    // stateless
  }

  @Override
  public void readData(ObjectDataInput in) {
    // stateless
  }
}
