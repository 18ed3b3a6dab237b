package io.agentgovernor.reliability.jepsen;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checker's classification of an acknowledged message that was never handled. */
class LedgerCheckerTest {

  @TempDir
  Path dir;

  @Test
  @DisplayName("acknowledged by a node just before its kill (the answer read after the kill was sent): lost in a killed inbox, allowed")
  void answerReadAfterTheKill() throws Exception {
    // seed 14 of a fresh-clone run: POST at .170, kill -9 j1 at .175, the answer read at .187
    History history = new History();
    history.send(new History.Send("m53", "led-3", 0, 1_170, 1_187, History.Outcome.ACK, "j1"));
    history.faults.add(new History.FaultEvent(new Fault(FaultKind.KILL, List.of(0), 543, 0), 1_175, 9_000));

    LedgerChecker.Result result = LedgerChecker.check(dir, history, Map.of("led-3", List.of()));

    assertThat(result.violations()).isEmpty();
    assertThat(result.allowedLosses()).containsEntry("in a killed inbox", 1L);
  }

  @Test
  @DisplayName("sent after the node's kill and restart, never handled: a violation")
  void takenAfterTheKill() throws Exception {
    History history = new History();
    history.send(new History.Send("m54", "led-3", 0, 10_000, 10_010, History.Outcome.ACK, "j1"));
    history.faults.add(new History.FaultEvent(new Fault(FaultKind.KILL, List.of(0), 543, 0), 1_175, 9_000));

    LedgerChecker.Result result = LedgerChecker.check(dir, history, Map.of("led-3", List.of()));

    assertThat(result.violations()).extracting(Finding::property).containsExactly("counted-once");
  }

  @Test
  @DisplayName("handled by a copy, counted in the final state: no violation, no loss")
  void counted() throws Exception {
    History history = new History();
    history.send(new History.Send("m1", "led-3", 0, 100, 110, History.Outcome.ACK, "j1"));
    Files.writeString(dir.resolve("led-3@j1.ledger"), "105 j1 7 m1\n");

    LedgerChecker.Result result = LedgerChecker.check(dir, history, Map.of("led-3", List.of("m1")));

    assertThat(result.violations()).isEmpty();
    assertThat(result.countedAcked()).isEqualTo(1);
  }
}
