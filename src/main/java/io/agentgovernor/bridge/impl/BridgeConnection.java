package io.agentgovernor.bridge.impl;

import io.agentgovernor.bus.ErrorCode;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetSocket;
import java.util.HashMap;
import java.util.Map;

/**
 * One client socket of the bridge: its frame decoder, the work it has in flight, the addresses it
 * receives, and the frames written to it in the wire format of the Vert.x TCP event-bus bridge (a
 * 4-byte length, then JSON). Reading pauses while {@link #MAX_IN_FLIGHT} requests of it are being
 * answered, so a client that floods frames waits instead of growing the node's queues; a client
 * that does not read what is written to it is closed once its socket's write queue is full.
 * Confined to the bridge's event loop.
 */
public final class BridgeConnection {

  /** Requests of one connection being answered at once before its reading pauses. */
  public static final int MAX_IN_FLIGHT = 16;

  private final NetSocket socket;
  private final FrameDecoder decoder;
  private final Map<String, MessageConsumer<Object>> consumers = new HashMap<>();
  private int inFlight;
  private boolean readingPaused;
  private int refusals;
  private boolean closed;
  private String closeReason;

  public BridgeConnection(NetSocket socket, int maxFrameBytes) {
    this.socket = socket;
    this.decoder = new FrameDecoder(maxFrameBytes);
    // what one client may have waiting in the node's write queue: a few large frames
    socket.setWriteQueueMaxSize(Math.max(256 * 1024, 4 * maxFrameBytes));
  }

  public NetSocket socket() {
    return socket;
  }

  public FrameDecoder decoder() {
    return decoder;
  }

  /** Whether frames may be taken from the decoder now. */
  public boolean readable() {
    return !closed && inFlight < MAX_IN_FLIGHT;
  }

  /** A request of this connection starts being answered. */
  public void begin() {
    inFlight++;
    if (inFlight >= MAX_IN_FLIGHT && !readingPaused) {
      readingPaused = true;
      socket.pause();
    }
  }

  /** A request was answered; returns true if reading resumed (the caller then drains the decoder). */
  public boolean end() {
    inFlight--;
    if (readingPaused && inFlight < MAX_IN_FLIGHT && !closed) {
      readingPaused = false;
      socket.resume();
      return true;
    }
    return false;
  }

  /** Counts a refused frame; true once the connection has used up its allowance. */
  public boolean refused(int allowance) {
    return ++refusals > allowance;
  }

  public boolean isClosed() {
    return closed;
  }

  /** Why the node closed it, or {@code null} if the client did. */
  public String closeReason() {
    return closeReason;
  }

  /** Delivers what the event bus sends to {@code address} to the client, until unsubscribed or closed. */
  public void subscribe(Vertx vertx, String address) {
    if (closed || consumers.containsKey(address)) {
      return;
    }
    consumers.put(address, vertx.eventBus().localConsumer(address,
        msg -> write(new JsonObject().put("type", "message").put("address", address).put("send", msg.isSend())
            .put("body", msg.body()))));
  }

  /** Stops delivering {@code address}; false if it was not delivered. */
  public boolean unsubscribe(String address) {
    MessageConsumer<Object> consumer = consumers.remove(address);
    if (consumer == null) {
      return false;
    }
    consumer.unregister();
    return true;
  }

  /** Stops every delivery at once: before another connection takes the agent, so no message is shared. */
  public void unsubscribeAll() {
    consumers.values().forEach(MessageConsumer::unregister);
    consumers.clear();
  }

  /** The reply to a request: a {@code message} frame to its reply address. */
  public void reply(String replyAddress, Object body) {
    write(new JsonObject().put("type", "message").put("address", replyAddress).put("headers", new JsonObject())
        .put("send", true).put("body", body));
  }

  /**
   * A refusal: an {@code err} frame with the failure code; to the reply address if the frame had one
   * (as a failed request), else bare, as the Vert.x bridge sends its {@code access_denied}.
   */
  public void error(String replyAddress, String sourceAddress, ErrorCode code, String message) {
    JsonObject frame = new JsonObject().put("type", "err").put("failureCode", code.failureCode()).put("message", message);
    if (replyAddress != null) {
      frame.put("address", replyAddress).put("sourceAddress", sourceAddress).put("failureType", "RECIPIENT_FAILURE");
    }
    write(frame);
  }

  public void pong() {
    write(new JsonObject().put("type", "pong"));
  }

  /** Closes a connection displaced from the unregistered places by a newer one. */
  public void evict() {
    close("evicted: too many connections waiting to register", ErrorCode.RATE_LIMITED);
  }

  /** Closes the socket, first telling the client why with an {@code err} frame. */
  public void close(String reason, ErrorCode code) {
    if (closed) {
      return;
    }
    if (code != null) {
      error(null, null, code, reason);
    }
    closeReason = reason;
    markClosed();
    socket.close();
  }

  /** The socket is gone (either side closed it): no more reading, writing or deliveries. */
  public void markClosed() {
    closed = true;
    unsubscribeAll();
  }

  private void write(JsonObject frame) {
    if (closed) {
      return;
    }
    if (socket.writeQueueFull()) {
      closeReason = "slow_reader";
      markClosed();
      socket.close();
      return;
    }
    Buffer json = frame.toBuffer();
    socket.write(Buffer.buffer(json.length() + 4).appendInt(json.length()).appendBuffer(json));
  }
}
