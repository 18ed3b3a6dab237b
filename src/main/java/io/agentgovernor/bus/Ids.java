package io.agentgovernor.bus;

import java.util.regex.Pattern;

/** Identifiers of agents, groups, nodes and resources: {@code [A-Za-z0-9._-]{1,128}}. */
public final class Ids {

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");

  private Ids() {
  }

  public static boolean isValid(String id) {
    return id != null && ID.matcher(id).matches();
  }

  /** Returns {@code id} if valid, else fails with {@link ErrorCode#INVALID_ID} naming {@code what}. */
  public static String require(String id, String what) {
    if (!isValid(id)) {
      throw new GovernorException(ErrorCode.INVALID_ID,
          what + " must match [A-Za-z0-9._-]{1,128}" + (id == null ? " (missing)" : ""));
    }
    return id;
  }
}
