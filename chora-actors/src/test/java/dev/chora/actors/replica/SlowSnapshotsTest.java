package dev.chora.actors.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

class SlowSnapshotsTest {
  private static final long MS = 1_000_000L;

  /** The arguments of every warn(String, Object...) call. */
  private final List<List<Object>> warnings = new ArrayList<>();
  private final Logger log = (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(),
      new Class<?>[] {Logger.class}, (proxy, method, args) -> {
        if (method.getName().equals("warn") && args.length == 2 && args[1] instanceof Object[] a) {
          warnings.add(Arrays.asList(a));
        }
        return method.getReturnType() == boolean.class ? Boolean.TRUE : null;
      });

  @Test
  void aSlowSnapshotIsReportedWithItsCpuTimeAndLaterOnesAtMostEveryTenSeconds() {
    SlowSnapshots slow = new SlowSnapshots();
    assertFalse(slow.taken(log, 1, 256, 1000, 49 * MS, 40 * MS, 0), "under 50 ms: not slow");
    assertTrue(slow.taken(log, 1, 512, 800_000, 70 * MS, 4 * MS, 1_000 * MS), "the first slow one at once");
    assertEquals(List.of(1, 512L, 70L, 4L, 800_000, 1L, 50L, 70L), warnings.get(0));

    assertFalse(slow.taken(log, 1, 768, 800_000, 90 * MS, -1, 5_000 * MS), "within ten seconds: counted");
    assertFalse(slow.taken(log, 1, 1024, 800_000, 20 * MS, 2 * MS, 6_000 * MS), "fast: not counted");
    assertTrue(slow.taken(log, 1, 1280, 800_000, 60 * MS, -1, 11_000 * MS));
    assertEquals(List.of(1, 1280L, 60L, "?", 800_000, 2L, 50L, 90L), warnings.get(1),
        "two slow since the last line, the longest 90 ms; CPU time unknown");
    assertEquals(2, warnings.size());
  }
}
