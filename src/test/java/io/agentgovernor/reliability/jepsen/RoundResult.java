package io.agentgovernor.reliability.jepsen;

import java.util.List;

/** What one seeded round did and found. Times in ms; -1 where something never happened within its bound. */
public record RoundResult(long seed, List<String> faults, long writesAcked, long writesUnknown, long writesRefused, int keys,
                   long visibleMs, long messagesAcked, long messagesCounted, long messagesLostAllowed,
                   String allowedLosses, String writeStatuses, int heartbeatCopies, long maxHandoverGapMs, long reformMs,
                   long agentsBackMs, long durationMs, List<Finding> violations) {
}
