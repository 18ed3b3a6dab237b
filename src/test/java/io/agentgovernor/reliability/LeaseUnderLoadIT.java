package io.agentgovernor.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentgovernor.cluster.NodeLease;
import io.agentgovernor.node.GovernorNode;
import io.agentgovernor.testing.TestNodes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A node whose event loops are all busy for longer than a lease is slow, not cut off: it keeps its
 * lease. Before the lease was renewed on a thread of its own, the renewal timer waited behind the
 * event loops' work and the lease ran out (a node deploying 2,000 agents on 2 cores lost it, and
 * with it every dispatch and every write, in `BreachLatency` with waves of 1,000).
 */
class LeaseUnderLoadIT {

  private GovernorNode node;

  @BeforeEach
  void start() {
    node = TestNodes.start(TestNodes.config(TestNodes.randomClusterName(), TestNodes.randomClusterPort(), "busy", List.of()));
  }

  @AfterEach
  void stop() {
    TestNodes.closeAll(node);
  }

  @Test
  @DisplayName("every event loop busy for 1.5 leases (4.5 s): the lease never lapses, checked every 20 ms throughout")
  void leaseHeldWhileEventLoopsAreBusy() throws Exception {
    NodeLease lease = node.context().lease();
    assertThat(lease.holds(System.nanoTime())).isTrue();
    io.netty.channel.EventLoopGroup loops = ((io.vertx.core.internal.VertxInternal) node.vertx()).nettyEventLoopGroup();
    List<io.netty.util.concurrent.Future<?>> busy = new ArrayList<>();
    CountDownLatch started = new CountDownLatch(1);
    long busyNanos = TimeUnit.MILLISECONDS.toNanos(4_500);
    loops.forEach(loop -> busy.add(loop.submit(() -> {
      started.countDown();
      long until = System.nanoTime() + busyNanos;
      while (System.nanoTime() - until < 0) {
        Math.sqrt(until); // busy, as a loop working through a backlog is: no sleep, no yield
      }
    })));
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    AtomicLong lapses = new AtomicLong();
    long checks = 0;
    while (busy.stream().anyMatch(f -> !f.isDone()) && checks < 1_000) {
      if (!lease.holds(System.nanoTime())) {
        lapses.incrementAndGet();
      }
      checks++;
      Thread.sleep(20);
    }
    for (io.netty.util.concurrent.Future<?> f : busy) {
      assertThat(f.await(30, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(checks).as("checks while the loops were busy").isGreaterThan(100);
    assertThat(lapses.get()).as("checks that found the lease lapsed").isZero();
  }
}
