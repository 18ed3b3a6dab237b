package io.agentgovernor.agent;

import io.agentgovernor.agent.impl.Sizes;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** What sizing one message body costs ({@link Sizes#of}), the accounting's largest part per message. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SizesBenchmark {

  private final JsonObject json = new JsonObject().put("task", "t-42").put("n", 42).put("ok", true);
  private final String string = "t-42 a short text body";

  @Benchmark
  public long jsonThreeFields() {
    return Sizes.of(json);
  }

  @Benchmark
  public long string() {
    return Sizes.of(string);
  }

  @Benchmark
  public int jsonSizeOnlyFloor() {
    return json.size();
  }
}
