package io.agentgovernor.bridge.cgroup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reading and writing the one-line and key-value files of a cgroup file system. */
final class CgroupFiles {

  private CgroupFiles() {
  }

  static long number(Path file) throws IOException {
    return Long.parseLong(Files.readString(file).trim());
  }

  /** The value of {@code key} in a {@code key value} per line file, 0 if the key or the file is absent. */
  static long keyed(Path file, String key) throws IOException {
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (NoSuchFileException e) {
      return 0; // a counter this kernel does not have (oom_kill before 4.13)
    }
    for (String line : lines) {
      int space = line.indexOf(' ');
      if (space > 0 && line.regionMatches(0, key, 0, space) && space == key.length()) {
        return Long.parseLong(line.substring(space + 1).trim());
      }
    }
    return 0;
  }

  static List<Long> pids(Path procs) throws IOException {
    List<Long> pids = new ArrayList<>();
    for (String line : Files.readAllLines(procs)) {
      if (!line.isBlank()) {
        pids.add(Long.parseLong(line.trim()));
      }
    }
    return pids;
  }

  /** Writes a value, adding what the kernel refused to {@code refused} instead of stopping. */
  static void write(Path file, String value, List<String> refused) {
    try {
      Files.writeString(file, value);
    } catch (IOException e) {
      refused.add(file.getFileName() + "=" + value + ": " + reason(e));
    }
  }

  static void throwIfRefused(List<String> refused) throws IOException {
    if (!refused.isEmpty()) {
      throw new IOException("the kernel refused " + String.join("; ", refused));
    }
  }

  /** Removes directories deepest first; false if one remains. */
  static boolean removeAll(List<Path> dirs) {
    boolean all = true;
    for (Path dir : dirs) {
      try {
        Files.deleteIfExists(dir);
      } catch (IOException e) {
        all = false;
      }
    }
    return all;
  }

  static String reason(IOException e) {
    String message = e.getMessage();
    return e.getClass().getSimpleName() + (message == null ? "" : " " + message);
  }
}
