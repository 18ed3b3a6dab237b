package io.agentgovernor.bridge.impl;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class FrameDecoderTest {

  private static Buffer frame(String json) {
    Buffer body = Buffer.buffer(json);
    return Buffer.buffer().appendInt(body.length()).appendBuffer(body);
  }

  @Test
  @DisplayName("frames split over reads and packed into one read come out whole, one per pull")
  void splitsAndJoins() {
    FrameDecoder decoder = new FrameDecoder(1024);
    Buffer two = frame("{\"a\":1}").appendBuffer(frame("{\"b\":2}"));
    decoder.feed(two.getBuffer(0, 3));
    assertThat(decoder.next()).isNull();
    decoder.feed(two.getBuffer(3, 9));
    assertThat(decoder.next()).isNull();
    decoder.feed(two.getBuffer(9, two.length()));
    assertThat(decoder.next().toString()).isEqualTo("{\"a\":1}");
    assertThat(decoder.next().toString()).isEqualTo("{\"b\":2}");
    assertThat(decoder.next()).isNull();
    assertThat(decoder.buffered()).isZero();
  }

  @Test
  @DisplayName("a declared length above the limit fails the stream at once and nothing of it is kept")
  void oversizedLengthFailsBeforeBuffering() {
    FrameDecoder decoder = new FrameDecoder(1024);
    decoder.feed(Buffer.buffer().appendInt(Integer.MAX_VALUE).appendBytes(new byte[100]));
    assertThat(decoder.failure()).isEqualTo(FrameDecoder.Failure.TOO_LARGE);
    assertThat(decoder.offendingLength()).isEqualTo(Integer.MAX_VALUE);
    assertThat(decoder.buffered()).isZero();
    decoder.feed(Buffer.buffer(new byte[10_000]));
    assertThat(decoder.buffered()).isZero();
    assertThat(decoder.next()).isNull();
  }

  @Test
  @DisplayName("a negative length fails the stream; a frame of exactly the limit passes")
  void negativeAndExactLimit() {
    FrameDecoder negative = new FrameDecoder(1024);
    negative.feed(Buffer.buffer().appendInt(-5));
    assertThat(negative.failure()).isEqualTo(FrameDecoder.Failure.TOO_LARGE);

    FrameDecoder exact = new FrameDecoder(1024);
    exact.feed(Buffer.buffer().appendInt(1024).appendBytes(new byte[1024]));
    assertThat(exact.next().length()).isEqualTo(1024);
    assertThat(exact.failure()).isEqualTo(FrameDecoder.Failure.NONE);
  }

  @Test
  @DisplayName("an oversized frame after good ones fails only when its header is reached")
  void oversizedAfterGood() {
    FrameDecoder decoder = new FrameDecoder(1024);
    decoder.feed(frame("{}").appendInt(5000));
    assertThat(decoder.next().toString()).isEqualTo("{}");
    assertThat(decoder.failure()).isEqualTo(FrameDecoder.Failure.TOO_LARGE);
  }
}
