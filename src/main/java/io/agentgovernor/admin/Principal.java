package io.agentgovernor.admin;

/**
 * Who called: a name safe to log and audit ({@code token:operator}, {@code jwt:<subject>}), never
 * the credential itself, and what that caller may do.
 */
public record Principal(String who, Role role) {
}
