package dev.chora.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.chora.runtime.config.InvalidConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * chora.storage: durable by default (in the library's reference, whatever this module's test
 * application.conf says), the data directory's default and checks, and the log's bounds.
 */
class StorageSettingsTest {
  /** Over the library's reference alone: the test classpath's application.conf (memory) left out. */
  static ChoraSettings reference(String hocon) {
    return ChoraSettings.fromConfig(ConfigFactory.parseString(hocon)
        .withFallback(ConfigFactory.defaultReference()).resolve());
  }

  static final String REPLICA_1 = ChoraSettingsTest.THREE + "chora.replica-id = 1\n";

  @Test
  void theLibraryDefaultsToDurableInADirectoryNamedByReplicaIdBelowTheWorkingDirectory() {
    ChoraSettings s = reference(REPLICA_1);
    assertEquals(StorageSettings.Mode.DURABLE, s.storage().mode());
    assertTrue(s.protocol().durable(), "the core runs durable");
    assertEquals(Path.of("chora-data", "replica-1").toAbsolutePath(), s.storage().dataDir());
    assertEquals(64L << 20, s.storage().segmentBytes());
    assertEquals(4 << 20, s.storage().maxRecordBytes());
    assertEquals(64L << 20, s.storage().writeQueueBytes());
    assertNull(reference(ChoraSettingsTest.THREE + "chora.replica-id = -1").storage().dataDir(),
        "a node without a replica has no data directory");
  }

  @Test
  void memoryModeIsAnExplicitOptIn(@TempDir Path dir) {
    ChoraSettings s = reference(REPLICA_1 + "chora.storage.mode = memory");
    assertEquals(StorageSettings.Mode.MEMORY, s.storage().mode());
    assertFalse(s.protocol().durable());
    ChoraSettings named = reference(REPLICA_1 + "chora.storage.data-dir = \"" + dir.resolve("r1") + "\"");
    assertEquals(dir.resolve("r1"), named.storage().dataDir());
  }

  @Test
  void badStorageSettingsAreNamedWithTheirFix(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("a-file"), "x");
    InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> reference(REPLICA_1
        + "chora.storage.mode = disk\n"
        + "chora.storage.data-dir = \"" + file + "\"\n"
        + "chora.storage.max-record-bytes = 100KiB\n"
        + "chora.storage.segment-bytes = 100KiB\n"
        + "chora.storage.write-queue-bytes = 10KiB\n"));
    String m = e.getMessage();
    assertTrue(m.contains("chora.storage.mode = \"disk\": must be durable"), m);
    assertTrue(m.contains("chora.storage.max-record-bytes = 102400 cannot hold a round of full batches (3 x"
        + " (chora.protocol.max-batch-bytes = 65536 + 64) + 1024 = 197824 bytes): raise it to at least 197824"), m);
    assertTrue(m.contains("chora.storage.segment-bytes = 102400 cannot hold a record"), m);
    assertTrue(m.contains("chora.storage.write-queue-bytes = 10240: at least chora.storage.max-record-bytes"), m);
    e = assertThrows(InvalidConfigException.class, () -> reference(REPLICA_1
        + "chora.storage.data-dir = \"" + file + "\"\n"));
    assertTrue(e.getMessage().contains("exists and is not a directory"), e.getMessage());
  }

  @Test
  void aMisspeltStorageKeyIsRefusedWithTheNearestOne() {
    InvalidConfigException e = assertThrows(InvalidConfigException.class,
        () -> reference(REPLICA_1 + "chora.storage.segement-bytes = 1MiB\nchora.storage.dir = \"/x\""));
    assertTrue(e.getMessage().contains("chora.storage.segement-bytes: no such setting; did you mean"
        + " chora.storage.segment-bytes?"), e.getMessage());
    assertTrue(e.getMessage().contains("chora.storage.dir: no such setting; chora.storage has data-dir,"
        + " max-record-bytes, mode, segment-bytes, write-queue-bytes"), e.getMessage());
  }
}
