package io.agentgovernor.admin;

/** What a caller of the admin API may do. */
public enum Role {
  /** Reads only: every GET. */
  VIEWER,
  /** Reads and writes. */
  OPERATOR;

  public boolean mayWrite() {
    return this == OPERATOR;
  }
}
