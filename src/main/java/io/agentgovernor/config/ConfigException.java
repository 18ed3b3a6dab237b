package io.agentgovernor.config;

/** A configuration problem, told to the operator in one line (never with a stack trace). */
public class ConfigException extends RuntimeException {

  public ConfigException(String message) {
    super(message, null, false, false);
  }
}
