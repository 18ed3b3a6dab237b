package io.agentgovernor.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.instance.EndpointQualifier;
import io.agentgovernor.testing.TestNodes;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** How a node's Hazelcast member is set up, checked on real members on loopback. */
class ClusterSetupIT {

  @Test
  @DisplayName("a peer frozen with its port open (accepts TCP, never answers) costs the member's IO output threads no busy loop")
  void frozenPeerDoesNotSpinTheOutputThreads() throws Exception {
    int port = TestNodes.randomClusterPort();
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    List<Socket> accepted = new CopyOnWriteArrayList<>();
    AtomicInteger bytesRead = new AtomicInteger();
    // a member whose member list names a second one, not yet there: it forms a cluster of one
    HazelcastInstance member = Hazelcast.newHazelcastInstance(ClusterSetup.hazelcastConfig(TestNodes.config(
        TestNodes.randomClusterName(), port, "c1", List.of("127.0.0.1:" + port, "127.0.0.1:" + (port + 1)))));
    // then the "frozen" second member: its kernel accepts connections and takes the bytes sent to
    // it, but the process never writes a byte back (what SIGSTOP leaves of a Hazelcast member)
    try (ServerSocket frozen = new ServerSocket(port + 1, 50, InetAddress.getLoopbackAddress())) {
      Thread acceptor = new Thread(() -> acceptSilently(frozen, accepted, bytesRead), "frozen-peer");
      acceptor.setDaemon(true);
      acceptor.start();
      // the master's split-brain search (every 5 s) has connected, sent its protocol bytes and
      // waits for the peer's answer
      await().atMost(Duration.ofSeconds(60)).until(() -> bytesRead.get() >= 3);
      String prefix = "hz." + member.getName() + ".IO.thread-out";
      long before = outputThreadsCpuNanos(threads, prefix);
      long start = System.nanoTime();
      // a measurement window, not a wait for a condition: before the fix one output thread ran
      // a busy loop for as long as the peer stayed silent (about a second of CPU per second)
      Thread.sleep(4000);
      long cpu = outputThreadsCpuNanos(threads, prefix) - before;
      long wall = System.nanoTime() - start;
      System.out.printf("SETUP frozen peer: output threads used %.1f ms of CPU in %d ms%n", cpu / 1e6, wall / 1_000_000);
      assertThat(accepted).isNotEmpty();
      assertThat(cpu).as("CPU of the output threads in %d ms while the peer stayed silent", wall / 1_000_000)
          .isLessThan(wall / 10);
    } finally {
      member.getLifecycleService().terminate();
      for (Socket s : accepted) {
        s.close();
      }
    }
  }

  @Test
  @DisplayName("members meet on the member endpoint of the cluster host and port, and a taken port stops the node at start")
  void memberEndpointOnTheConfiguredPort() throws Exception {
    int port = TestNodes.randomClusterPort();
    String cluster = TestNodes.randomClusterName();
    HazelcastInstance first = Hazelcast.newHazelcastInstance(ClusterSetup.hazelcastConfig(
        TestNodes.config(cluster, port, "c1", List.of())));
    try {
      assertThat(first.getConfig().getAdvancedNetworkConfig().isEnabled()).isTrue();
      assertThat(first.getCluster().getLocalMember().getAddressMap().get(EndpointQualifier.MEMBER).toString())
          .isEqualTo("[127.0.0.1]:" + port);
      HazelcastInstance second = Hazelcast.newHazelcastInstance(ClusterSetup.hazelcastConfig(
          TestNodes.config(cluster, port + 1, "c2", List.of("127.0.0.1:" + port))));
      try {
        assertThat(second.getCluster().getMembers()).hasSize(2);
        first.getMap("setup-check").put("k", "v");
        assertThat(second.getMap("setup-check").get("k")).isEqualTo("v");
      } finally {
        second.getLifecycleService().terminate();
      }
      // the first member holds its port: a node configured on it does not move elsewhere
      assertThatThrownBy(() -> Hazelcast.newHazelcastInstance(ClusterSetup.hazelcastConfig(
          TestNodes.config(cluster, port, "c3", List.of()))))
          .isInstanceOf(RuntimeException.class);
    } finally {
      first.getLifecycleService().terminate();
    }
  }

  private static void acceptSilently(ServerSocket server, List<Socket> accepted, AtomicInteger bytesRead) {
    List<Thread> readers = new ArrayList<>();
    while (!server.isClosed() && readers.size() < 100) {
      try {
        Socket socket = server.accept();
        accepted.add(socket);
        Thread reader = new Thread(() -> {
          byte[] buffer = new byte[4096];
          try (InputStream in = socket.getInputStream()) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
              bytesRead.addAndGet(n);
            }
          } catch (Exception closed) {
            // the member or the test closed the connection
          }
        }, "frozen-peer-reader");
        reader.setDaemon(true);
        reader.start();
        readers.add(reader);
      } catch (Exception closed) {
        return;
      }
    }
  }

  private static long outputThreadsCpuNanos(ThreadMXBean threads, String prefix) {
    return Arrays.stream(threads.getThreadInfo(threads.getAllThreadIds()))
        .filter(info -> info != null && info.getThreadName().startsWith(prefix))
        .mapToLong(info -> Math.max(0, threads.getThreadCpuTime(info.getThreadId())))
        .sum();
  }
}
