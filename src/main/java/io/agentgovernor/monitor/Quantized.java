package io.agentgovernor.monitor;

/**
 * Block floating point for the history's rollup columns: a ring is cut into blocks of
 * {@value #BLOCK} slots, each block has one power-of-two exponent {@code e} (a byte) and each slot
 * an unsigned {@code bits}-bit code {@code round(v * 2^(bits - e))}: the step is
 * {@code 2^(e - bits)}, at most the block's largest value / {@code 2^(bits - 2)}, and values that
 * are multiples of the step (small integers, binary fractions) are kept exact. A value above the
 * block's range raises the exponent and halves the block's codes (rounded) once per step, so the
 * error stays within one step. Values are usage (never negative).
 */
final class Quantized {

  /** Slots per block (one exponent byte each). */
  static final int BLOCK = 12;
  /** No value in the block yet: the first one sets the exponent. */
  static final byte EMPTY_BLOCK = Byte.MIN_VALUE;

  private Quantized() {
  }

  static int blocks(int slots) {
    return (slots + BLOCK - 1) / BLOCK;
  }

  /** The exponent a block needs so that {@code v} encodes to at most {@code top}, at least {@code current}. */
  static int exponentFor(double v, int current, int bits, int top) {
    int e = v == 0 ? -126 : Math.max(-126, Math.getExponent(v) + 1);
    if (encode(v, e, bits) > top) {
      e++;
    }
    return Math.max(Math.min(e, Byte.MAX_VALUE), current);
  }

  static int encode(double v, int exponent, int bits) {
    return (int) Math.round(Math.scalb(v, bits - exponent));
  }

  static double decode(int code, int exponent, int bits) {
    return Math.scalb((double) code, exponent - bits);
  }

  /** A code after its block's exponent grew by {@code shift}: halved that many times, rounded. */
  static int rescale(int code, int shift) {
    return shift >= 31 ? 0 : (code + (1 << (shift - 1))) >> shift;
  }
}
