package io.agentgovernor.reliability.jepsen;

/** A violation the checker found: the property, what it concerns (a key, an agent, a message), and the evidence. */
public record Finding(String property, String subject, String detail) {

  @Override
  public String toString() {
    return property + " " + subject + ": " + detail;
  }
}
