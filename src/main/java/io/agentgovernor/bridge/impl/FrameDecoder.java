package io.agentgovernor.bridge.impl;

import io.vertx.core.buffer.Buffer;

/**
 * Splits a connection's bytes into the bridge's frames: a 4-byte big-endian length, then that many
 * bytes. Pulled one frame at a time, so a connection that pauses takes no more frames than it can
 * handle. A length above the limit (or negative) is rejected as soon as its 4 bytes arrive, before
 * any of the body is kept: the decoder never holds more than {@code maxFrameBytes + 4} bytes plus
 * one network read.
 */
public final class FrameDecoder {

  /** What went wrong with the byte stream; the connection cannot be read further. */
  public enum Failure { NONE, TOO_LARGE }

  private final int maxFrameBytes;
  private Buffer pending = Buffer.buffer();
  private int offset;
  private Failure failure = Failure.NONE;
  private int offendingLength;

  public FrameDecoder(int maxFrameBytes) {
    this.maxFrameBytes = maxFrameBytes;
  }

  /** Takes bytes as they arrive. Ignored once the stream has failed. */
  public void feed(Buffer bytes) {
    if (failure != Failure.NONE) {
      return;
    }
    if (offset > 0) {
      pending = offset >= pending.length() ? Buffer.buffer() : pending.getBuffer(offset, pending.length());
      offset = 0;
    }
    pending.appendBuffer(bytes);
    checkHeader();
  }

  /** The next complete frame's body, or {@code null} if none is complete (or the stream failed). */
  public Buffer next() {
    if (failure != Failure.NONE || pending.length() - offset < 4) {
      return null;
    }
    int length = pending.getInt(offset);
    if (pending.length() - offset - 4 < length) {
      return null;
    }
    Buffer frame = pending.getBuffer(offset + 4, offset + 4 + length);
    offset += 4 + length;
    checkHeader();
    return frame;
  }

  /** Bytes held for frames not yet complete. */
  public int buffered() {
    return pending.length() - offset;
  }

  public Failure failure() {
    return failure;
  }

  /** The length the client declared for the frame that failed the stream. */
  public int offendingLength() {
    return offendingLength;
  }

  private void checkHeader() {
    if (pending.length() - offset >= 4) {
      int length = pending.getInt(offset);
      if (length < 0 || length > maxFrameBytes) {
        failure = Failure.TOO_LARGE;
        offendingLength = length;
        pending = Buffer.buffer();
        offset = 0;
      }
    }
  }
}
