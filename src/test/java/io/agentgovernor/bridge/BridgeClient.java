package io.agentgovernor.bridge;

import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonObject;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** A plain blocking TCP client of the bridge's wire format, for tests: what any outside process would write. */
final class BridgeClient implements AutoCloseable {

  private static final AtomicInteger REPLIES = new AtomicInteger();

  private final Socket socket;
  private final DataOutputStream out;
  private final List<JsonObject> frames = new CopyOnWriteArrayList<>();
  private volatile boolean closedByNode;

  private BridgeClient(Socket socket) throws IOException {
    this.socket = socket;
    this.out = new DataOutputStream(socket.getOutputStream());
    DataInputStream in = new DataInputStream(socket.getInputStream());
    Thread reader = new Thread(() -> {
      try {
        while (true) {
          byte[] body = new byte[in.readInt()];
          in.readFully(body);
          frames.add(new JsonObject(new String(body, StandardCharsets.UTF_8)));
        }
      } catch (IOException | RuntimeException e) {
        closedByNode = !socket.isClosed();
      }
    }, "bridge-client-reader");
    reader.setDaemon(true);
    reader.start();
  }

  static BridgeClient connect(int port) {
    try {
      return new BridgeClient(new Socket(InetAddress.getLoopbackAddress(), port));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void send(JsonObject frame) {
    raw(frame.encode().getBytes(StandardCharsets.UTF_8));
  }

  /** A frame with any body bytes. */
  void raw(byte[] body) {
    try {
      synchronized (out) {
        out.writeInt(body.length);
        out.write(body);
        out.flush();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Just the 4 length bytes, as a client that announces a frame it never sends. */
  void header(int length) {
    try {
      out.writeInt(length);
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sends a request and waits for its reply or failure frame. */
  JsonObject request(String address, JsonObject body) {
    String replyAddress = "reply-" + REPLIES.incrementAndGet();
    send(new JsonObject().put("type", "send").put("address", address).put("replyAddress", replyAddress).put("body", body));
    await().atMost(Duration.ofSeconds(15)).until(() -> frameTo(replyAddress) != null || closedByNode);
    JsonObject reply = frameTo(replyAddress);
    if (reply == null) {
      throw new IllegalStateException("connection closed before a reply: " + frames);
    }
    return reply;
  }

  JsonObject register(JsonObject body) {
    return request(BridgeVerticle.REGISTER, body);
  }

  void subscribe(String type, String address) {
    send(new JsonObject().put("type", type).put("address", address));
  }

  void report(String id, JsonObject usage) {
    send(new JsonObject().put("type", "send").put("address", BridgeVerticle.REPORT)
        .put("body", new JsonObject().put("id", id).put("usage", usage)));
  }

  JsonObject frameTo(String address) {
    return frames.stream().filter(f -> address.equals(f.getString("address"))).findFirst().orElse(null);
  }

  List<JsonObject> framesTo(String address) {
    return frames.stream().filter(f -> address.equals(f.getString("address"))).toList();
  }

  List<JsonObject> errors() {
    return frames.stream().filter(f -> "err".equals(f.getString("type"))).toList();
  }

  List<JsonObject> frames() {
    return frames;
  }

  boolean closedByNode() {
    return closedByNode;
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // already gone
    }
  }
}
