package io.agentgovernor.reliability.jepsen;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * No agent runs on two nodes at once, and each new copy has a larger epoch. Reads the files of the
 * {@code heartbeat} agents ({@code <agent>@<node>.hb}, lines {@code <epochMillis> <node> <epoch> <seq>}).
 *
 * <p>A copy is one run of the agent in one process: in a file, a line with seq 0 opens a copy and
 * a line with seq n continues the copy whose last line had seq n - 1, the one that beat last if
 * several did (so even two copies in one process, or a copy whose epoch is wrong, are told apart). Its interval is [first beat, last
 * beat]. Two copies of one agent violate single-copy if their intervals intersect: each wrote a
 * beat while the other was between two of its own. All processes share this machine's clock, so
 * no clock tolerance is needed; the resolution is the beat period ({@code everyMs}, 100 ms): a
 * double run shorter than one period can go unseen, one longer cannot. Ordered by first beat,
 * each copy's epoch must be larger than the one before (a copy reusing or lowering the epoch is a
 * fencing violation). A line whose seq continues no copy (lines lost) opens a copy of its own.
 */
final class HeartbeatChecker {

  /** One copy of an agent, as its beats show it. */
  record Copy(String agent, String node, long epoch, long first, long last, long beats, long lastSeq, List<Long> times) {
    long beatsWithin(long from, long to) {
      return times.stream().filter(t -> t >= from && t <= to).count();
    }

    String describe() {
      return node + "/epoch " + epoch + " [" + Report.time(first) + " .. " + Report.time(last) + ", " + beats + " beats]";
    }
  }

  /** Copies per agent, the largest overlap and handover gap seen, and the violations. */
  record Result(List<Copy> copies, long maxOverlapMs, long maxGapMs, long unreadableLines, List<Finding> violations) {
  }

  private HeartbeatChecker() {
  }

  static Result check(Path dir, List<String> agents) throws IOException {
    List<Copy> all = new ArrayList<>();
    List<Finding> violations = new ArrayList<>();
    long unreadable = 0;
    long maxOverlap = 0;
    long maxGap = 0;
    for (String agent : agents) {
      List<Copy> copies = new ArrayList<>();
      try (Stream<Path> files = Files.list(dir)) {
        for (Path file : files.filter(f -> f.getFileName().toString().startsWith(agent + "@")
            && f.getFileName().toString().endsWith(".hb")).sorted().toList()) {
          unreadable += readCopies(agent, Files.readAllLines(file), copies);
        }
      }
      copies.sort(Comparator.comparingLong(Copy::first));
      for (int i = 0; i < copies.size(); i++) {
        for (int j = i + 1; j < copies.size(); j++) {
          Copy a = copies.get(i);
          Copy b = copies.get(j);
          if (b.first() <= a.last()) {
            long overlap = Math.min(a.last(), b.last()) - b.first();
            maxOverlap = Math.max(maxOverlap, overlap);
            long to = Math.min(a.last(), b.last());
            violations.add(new Finding("single-copy", agent, "two copies ran at once for " + overlap + " ms: "
                + a.describe() + " and " + b.describe() + "; beats inside the overlap: " + a.beatsWithin(b.first(), to)
                + " and " + b.beatsWithin(b.first(), to)));
          }
        }
        if (i > 0) {
          Copy before = copies.get(i - 1);
          Copy now = copies.get(i);
          maxGap = Math.max(maxGap, now.first() - before.last());
          if (now.epoch() <= before.epoch()) {
            violations.add(new Finding("epoch-order", agent, "epoch " + now.epoch() + " after epoch " + before.epoch()
                + ": " + before.describe() + " then " + now.describe()));
          }
        }
      }
      all.addAll(copies);
    }
    return new Result(all, maxOverlap, maxGap, unreadable, violations);
  }

  /** Adds the copies of one file; returns the number of lines that could not be read (e.g. cut by a kill). */
  private static long readCopies(String agent, List<String> lines, List<Copy> copies) {
    List<Copy> open = new ArrayList<>();
    long unreadable = 0;
    for (String line : lines) {
      String[] f = line.trim().split(" ");
      long time;
      long epoch;
      long seq;
      try {
        if (f.length != 4) {
          throw new NumberFormatException(line);
        }
        time = Long.parseLong(f[0]);
        epoch = Long.parseLong(f[2]);
        seq = Long.parseLong(f[3]);
      } catch (NumberFormatException e) {
        unreadable++;
        continue;
      }
      // of the copies this line could continue, the one that beat last: a copy that ended long ago
      // may have stopped at the very seq a younger copy has just reached
      Copy continued = seq == 0 ? null
          : open.stream().filter(c -> c.lastSeq() == seq - 1 && c.epoch() == epoch && c.node().equals(f[1]))
              .max(Comparator.comparingLong(Copy::last)).orElse(null);
      if (continued == null) {
        List<Long> times = new ArrayList<>();
        times.add(time);
        open.add(new Copy(agent, f[1], epoch, time, time, 1, seq, times));
      } else {
        continued.times().add(time);
        open.set(open.indexOf(continued), new Copy(agent, f[1], epoch, continued.first(), Math.max(continued.last(), time),
            continued.beats() + 1, seq, continued.times()));
      }
    }
    copies.addAll(open);
    return unreadable;
  }
}
