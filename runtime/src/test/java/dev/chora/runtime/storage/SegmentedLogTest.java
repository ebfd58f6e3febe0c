package dev.chora.runtime.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The log on a real directory: round trips, rollover, truncations, reopening, torn tails and corruption. */
class SegmentedLogTest {
  /** 10-byte payloads make 27-byte frames: a segment of 28 + 4 * 27 bytes holds exactly four. */
  private static final LogOptions SMALL = new LogOptions(SegmentHeader.BYTES + 4 * 27, 64, 1024);

  @TempDir
  Path dir;

  private static byte[] payload(long index) {
    return String.format("rec-%06d", index).getBytes(StandardCharsets.US_ASCII);
  }

  private SegmentedLog open(List<LogRecord> replayed) throws IOException {
    return SegmentedLog.open(FileDisk.open(dir), SMALL, replayed::add);
  }

  private static void appendRange(SegmentedLog log, long from, long to) throws IOException {
    for (long i = from; i <= to; i++) {
      log.append(i, (int) (i % 3), payload(i));
    }
  }

  private static void assertRange(List<LogRecord> records, long from, long to) {
    assertEquals(to - from + 1, records.size(), "records " + indexes(records));
    for (int k = 0; k < records.size(); k++) {
      LogRecord r = records.get(k);
      assertEquals(from + k, r.index());
      assertEquals((int) (r.index() % 3), r.type());
      assertArrayEquals(payload(r.index()), r.payload());
    }
  }

  /** Writes records 1 to {@code last} and closes the log (which syncs it). */
  private void writeLog(long last) throws IOException {
    try (SegmentedLog log = open(new ArrayList<>())) {
      appendRange(log, 1, last);
    }
  }

  /** Reopens the log and checks that it replays exactly records {@code from} to {@code to}. */
  private void assertReopensAs(long from, long to) throws IOException {
    List<LogRecord> replayed = new ArrayList<>();
    open(replayed).close();
    assertRange(replayed, from, to);
  }

  private static List<Long> indexes(List<LogRecord> records) {
    return records.stream().map(LogRecord::index).collect(Collectors.toList());
  }

  private List<Path> segmentFiles() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".seg")).sorted().collect(Collectors.toList());
    }
  }

  private static void flipByte(Path file, long offset) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    bytes[(int) offset] ^= 0x10;
    Files.write(file, bytes);
  }

  @Test
  void roundTripAcrossRolloverAndReopen() throws IOException {
    List<LogRecord> none = new ArrayList<>();
    try (SegmentedLog log = open(none)) {
      assertEquals(0, log.lastIndex());
      assertEquals(1, log.firstIndex());
      appendRange(log, 1, 3);
      assertEquals(0, log.durableIndex(), "appends alone are not durable");
      appendRange(log, 4, 10);
      assertEquals(8, log.durableIndex(), "a full segment is synced before the next starts");
      assertEquals(10, log.sync());
      assertEquals(3, log.segmentCount(), "four records per segment");
      List<LogRecord> read = new ArrayList<>();
      log.read(4, read::add);
      assertRange(read, 4, 10);
    }
    assertTrue(none.isEmpty());
    assertEquals(List.of("log-00000000000000000001.seg", "log-00000000000000000005.seg", "log-00000000000000000009.seg"),
        segmentFiles().stream().map(p -> p.getFileName().toString()).collect(Collectors.toList()));
    List<LogRecord> replayed = new ArrayList<>();
    try (SegmentedLog log = open(replayed)) {
      assertRange(replayed, 1, 10);
      assertEquals(10, log.lastIndex());
      assertEquals(10, log.durableIndex());
      assertFalse(log.replayReport().cutTornTail());
      appendRange(log, 11, 12);
    }
    assertReopensAs(1, 12);
  }

  @Test
  void indexesMayHaveGapsButMustRise() throws IOException {
    try (SegmentedLog log = open(new ArrayList<>())) {
      log.append(5, 0, payload(5));
      log.append(9, 0, payload(9));
      assertThrows(IllegalArgumentException.class, () -> log.append(9, 0, payload(9)));
      assertThrows(IllegalArgumentException.class, () -> log.append(10, 256, payload(10)));
      log.sync();
    }
    List<LogRecord> replayed = new ArrayList<>();
    try (SegmentedLog log = open(replayed)) {
      assertEquals(List.of(5L, 9L), indexes(replayed));
      assertEquals(5, log.firstIndex());
    }
  }

  @Test
  void oversizedRecordIsRefusedClearly() throws IOException {
    try (SegmentedLog log = open(new ArrayList<>())) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> log.append(1, 0, new byte[65]));
      assertTrue(e.getMessage().contains("65 bytes exceeds the log's max-record-bytes (64)"), e.getMessage());
      log.append(1, 0, new byte[64]);
      assertEquals(1, log.sync());
    }
    assertThrows(IllegalArgumentException.class, () -> new LogOptions(100, 64, 1024));
  }

  @Test
  void largeRecordsBypassTheWriteBuffer() throws IOException {
    LogOptions options = new LogOptions(1 << 20, 100_000, 64);
    byte[] big = new byte[100_000];
    for (int i = 0; i < big.length; i++) {
      big[i] = (byte) (i * 31);
    }
    try (SegmentedLog log = SegmentedLog.open(FileDisk.open(dir), options, r -> { })) {
      log.append(1, 7, big);
      log.append(2, 7, new byte[3]);
      log.sync();
    }
    List<LogRecord> replayed = new ArrayList<>();
    SegmentedLog.open(FileDisk.open(dir), options, replayed::add).close();
    assertEquals(2, replayed.size());
    assertArrayEquals(big, replayed.get(0).payload());
  }

  @Test
  void truncateSuffixWithinTheLastSegment() throws IOException {
    try (SegmentedLog log = open(new ArrayList<>())) {
      appendRange(log, 1, 7);
      log.sync();
      log.truncateSuffix(7);
      assertEquals(6, log.lastIndex());
      assertEquals(6, log.durableIndex());
      appendRange(log, 7, 8);
      log.sync();
    }
    assertReopensAs(1, 8);
  }

  @Test
  void truncateSuffixAcrossSegmentsAndOfUnsyncedRecords() throws IOException {
    try (SegmentedLog log = open(new ArrayList<>())) {
      appendRange(log, 1, 10);
      log.sync();
      appendRange(log, 11, 13);
      log.truncateSuffix(3);
      assertEquals(2, log.lastIndex());
      assertEquals(1, log.segmentCount());
      List<LogRecord> read = new ArrayList<>();
      log.read(1, read::add);
      assertRange(read, 1, 2);
      appendRange(log, 3, 9);
      log.sync();
    }
    List<LogRecord> replayed = new ArrayList<>();
    try (SegmentedLog log = open(replayed)) {
      assertRange(replayed, 1, 9);
      log.truncateSuffix(1);
      assertEquals(0, log.segmentCount());
      assertEquals(0, log.lastIndex());
      appendRange(log, 1, 2);
    }
    assertReopensAs(1, 2);
  }

  @Test
  void truncatePrefixDeletesWholeSegmentsBelowOnly() throws IOException {
    try (SegmentedLog log = open(new ArrayList<>())) {
      appendRange(log, 1, 10);
      log.sync();
      assertEquals(1, log.truncatePrefix(6), "segment 1-4 goes; 5-8 holds 7 and 8, so it stays");
      assertEquals(5, log.firstIndex());
      assertEquals(1, log.truncatePrefix(100), "never the last segment");
      assertEquals(9, log.firstIndex());
      appendRange(log, 11, 11);
    }
    List<LogRecord> replayed = new ArrayList<>();
    try (SegmentedLog log = open(replayed)) {
      assertRange(replayed, 9, 11);
      assertEquals(9, log.firstIndex());
    }
  }

  @Test
  void tornLastRecordIsCutAndLogged() throws IOException {
    writeLog(6);
    Path last = segmentFiles().get(1);
    long goodSize = Files.size(last);
    // A partial frame, written by hand: a whole 17-byte header of record 7 and 4 of its 10 payload bytes.
    byte[] frame = new byte[RecordFrame.HEADER_BYTES + 10];
    RecordFrame.writeHeader(frame, 0, 7, 0, payload(7));
    Files.write(last, java.util.Arrays.copyOf(frame, RecordFrame.HEADER_BYTES + 4), StandardOpenOption.APPEND);
    List<LogRecord> replayed = new ArrayList<>();
    try (SegmentedLog log = open(replayed)) {
      assertRange(replayed, 1, 6);
      ReplayReport report = log.replayReport();
      assertTrue(report.cutTornTail());
      assertEquals(RecordFrame.HEADER_BYTES + 4, report.cutBytes());
      assertTrue(report.cut().contains("offset " + goodSize), report.cut());
      assertEquals(goodSize, Files.size(last), "the tail is cut on disk");
      appendRange(log, 7, 7);
    }
    assertReopensAs(1, 7);
  }

  @Test
  void newSegmentWithATornHeaderIsRemoved() throws IOException {
    writeLog(4);
    Files.write(dir.resolve(SegmentHeader.fileName(5)), java.util.Arrays.copyOf(new SegmentHeader(5, 4).encode(), 11));
    List<LogRecord> replayed = new ArrayList<>();
    try (SegmentedLog log = open(replayed)) {
      assertRange(replayed, 1, 4);
      assertTrue(log.replayReport().cut().contains("removed the last segment"), log.replayReport().cut());
      assertEquals(1, segmentFiles().size());
      appendRange(log, 5, 5);
    }
    assertReopensAs(1, 5);
  }

  @Test
  void corruptRecordInTheMiddleOfTheLastSegmentIsRefusedNamingFileAndOffset() throws IOException {
    writeLog(3);
    Path only = segmentFiles().get(0);
    long second = SegmentHeader.BYTES + 27;
    flipByte(only, second + RecordFrame.HEADER_BYTES + 2);
    CorruptStorageException e = assertThrows(CorruptStorageException.class, () -> open(new ArrayList<>()));
    assertEquals(only.getFileName().toString(), e.file());
    assertEquals(second, e.offset());
    assertEquals(1, e.index());
    assertTrue(e.getMessage().contains(only.toString()) && e.getMessage().contains("offset " + second), e.getMessage());
    assertTrue(e.getMessage().contains("not a torn write"), e.getMessage());
  }

  @Test
  void corruptLengthInTheMiddleIsRefusedNotMistakenForATornTail() throws IOException {
    writeLog(3);
    Path only = segmentFiles().get(0);
    flipByte(only, SegmentHeader.BYTES + 27);
    CorruptStorageException e = assertThrows(CorruptStorageException.class, () -> open(new ArrayList<>()));
    assertEquals(SegmentHeader.BYTES + 27, e.offset());
  }

  @Test
  void corruptRecordInANonLastSegmentIsRefused() throws IOException {
    writeLog(6);
    Path first = segmentFiles().get(0);
    long fourth = SegmentHeader.BYTES + 3 * 27;
    flipByte(first, fourth + 20);
    CorruptStorageException e = assertThrows(CorruptStorageException.class, () -> open(new ArrayList<>()));
    assertEquals(first.getFileName().toString(), e.file());
    assertEquals(fourth, e.offset());
    assertEquals(3, e.index());
    assertTrue(e.getMessage().contains("not the last"), e.getMessage());
  }

  @Test
  void lastRecordOfANonLastSegmentIsNeverCut() throws IOException {
    writeLog(6);
    Path first = segmentFiles().get(0);
    byte[] bytes = Files.readAllBytes(first);
    Files.write(first, java.util.Arrays.copyOf(bytes, bytes.length - 3));
    assertThrows(CorruptStorageException.class, () -> open(new ArrayList<>()));
  }

  @Test
  void missingMiddleSegmentIsRefused() throws IOException {
    writeLog(10);
    Files.delete(segmentFiles().get(1));
    CorruptStorageException e = assertThrows(CorruptStorageException.class, () -> open(new ArrayList<>()));
    assertTrue(e.getMessage().contains("a segment is missing"), e.getMessage());
  }

  @Test
  void damagedHeaderOfANonLastSegmentIsRefused() throws IOException {
    writeLog(6);
    flipByte(segmentFiles().get(0), 5);
    CorruptStorageException e = assertThrows(CorruptStorageException.class, () -> open(new ArrayList<>()));
    assertEquals(0, e.offset());
  }

  @Test
  void afterAFailedSyncTheLogRefusesEverythingUntilReopened() throws IOException {
    SimDisk disk = new SimDisk("d", 1, SyncLatency.NONE);
    SegmentedLog log = SegmentedLog.open(disk, SMALL, r -> { });
    appendRange(log, 1, 2);
    log.sync();
    appendRange(log, 3, 3);
    disk.failNextSyncs(1);
    StorageUnwritableException e = assertThrows(StorageUnwritableException.class, log::sync);
    assertEquals(StorageUnwritableException.Kind.SYNC_FAILED, e.kind());
    assertEquals(2, log.durableIndex(), "a failed sync makes nothing durable");
    assertSame(e, assertThrows(StorageUnwritableException.class, log::sync), "a retried fsync could lie: refused");
    assertSame(e, assertThrows(StorageUnwritableException.class, () -> log.append(4, 0, payload(4))));
    log.close();
    List<LogRecord> replayed = new ArrayList<>();
    SegmentedLog.open(disk, SMALL, replayed::add).close();
    assertRange(replayed, 1, 3);
  }

  @Test
  void aFullDiskStopsTheLogAndSaysWhy() throws IOException {
    SimDisk disk = new SimDisk("replica-2", 1, SyncLatency.NONE);
    SegmentedLog log = SegmentedLog.open(disk, SMALL, r -> { });
    appendRange(log, 1, 2);
    log.sync();
    disk.setCapacityBytes(disk.usedBytes() + 30);
    appendRange(log, 3, 4);
    StorageUnwritableException e = assertThrows(StorageUnwritableException.class, log::sync);
    assertEquals(StorageUnwritableException.Kind.DISK_FULL, e.kind());
    assertTrue(e.stoppedAcknowledging().startsWith("stopped acknowledging: disk full at sim-disk:replica-2"), e.stoppedAcknowledging());
    assertEquals(2, log.durableIndex());
    log.close();
    disk.setCapacityBytes(Long.MAX_VALUE);
    List<LogRecord> replayed = new ArrayList<>();
    try (SegmentedLog reopened = SegmentedLog.open(disk, SMALL, replayed::add)) {
      assertRange(replayed, 1, 3);
      assertTrue(reopened.replayReport().cutTornTail(), "the part of record 4 that fitted is cut");
    }
  }
}
