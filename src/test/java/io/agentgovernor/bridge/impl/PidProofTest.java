package io.agentgovernor.bridge.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class PidProofTest {

  @Test
  @DisplayName("kernel address fields decode: IPv4, IPv6 loopback and IPv4 seen through an IPv6 socket")
  void decodes() throws Exception {
    InetAddress v4 = InetAddress.getByName("127.0.0.1");
    assertThat(PidProof.matches("0100007F:1B59", v4, 7001)).isTrue();
    assertThat(PidProof.matches("0100007F:1B5A", v4, 7001)).isFalse();
    assertThat(PidProof.matches("0000000000000000FFFF00000100007F:1B59", v4, 7001)).isTrue();
    assertThat(PidProof.matches("00000000000000000000000001000000:1B59", InetAddress.getByName("::1"), 7001)).isTrue();
  }

  @Test
  @DisplayName("the process holding a connection's client end is found; the node's own pid and a stranger's are refused")
  void socketOwner() throws Exception {
    PidProof proof = PidProof.ofSystem();
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
         Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
         Socket accepted = server.accept()) {
      String host = "127.0.0.1";
      long inode = proof.socketInode(host, accepted.getPort(), host, server.getLocalPort());
      assertThat(inode).isPositive();
      // this JVM holds the client end, but a node never measures itself as an outside agent
      assertThat(proof.check(ProcessHandle.current().pid(), host, accepted.getPort(), host, server.getLocalPort())
          .accepted()).isFalse();
      long parent = ProcessHandle.current().parent().orElseThrow().pid();
      PidProof.Verdict stranger = proof.check(parent, host, accepted.getPort(), host, server.getLocalPort());
      assertThat(stranger.accepted()).isFalse();
      assertThat(stranger.reason()).contains("neither was started by this node nor holds this connection");
      assertThat(proof.check(Integer.MAX_VALUE, host, accepted.getPort(), host, server.getLocalPort()).reason())
          .contains("not a running process");
    }
  }
}
