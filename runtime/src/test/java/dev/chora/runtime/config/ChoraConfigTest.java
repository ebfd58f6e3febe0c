package dev.chora.runtime.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Wrong configuration fails at build time with a message that says what to fix. */
class ChoraConfigTest {

  @ParameterizedTest
  @ValueSource(ints = {3, 5, 7, 9})
  void oddGroupsOfThreeToNineAreAccepted(int n) {
    ChoraConfig c = ChoraConfig.builder(n).build();
    assertEquals((n - 1) / 2, c.faultTolerance());
    assertEquals((n - 1) / 2 + 1, c.quorum());
  }

  @ParameterizedTest
  @ValueSource(ints = {-1, 0, 1, 2, 4, 6, 11})
  void otherGroupSizesAreRejected(int n) {
    InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> ChoraConfig.builder(n).build());
    assertTrue(e.getMessage().contains("replicas = " + n), e.getMessage());
    assertTrue(e.getMessage().contains("odd replica count"), e.getMessage());
  }

  @Test
  void impossibleTimeoutsAreRejected() {
    InvalidConfigException e = assertThrows(InvalidConfigException.class,
        () -> ChoraConfig.builder(3).minRoundIntervalNanos(2_000_000).roundTimeoutNanos(1_000_000).build());
    assertTrue(e.getMessage().contains("round-timeout"), e.getMessage());
    assertTrue(e.getMessage().contains("must be greater than min-round-interval"), e.getMessage());
  }

  @Test
  void suspectAfterMaxIsCheckedAndDefaultsToTheRoundsAlone() {
    InvalidConfigException e = assertThrows(InvalidConfigException.class,
        () -> ChoraConfig.builder(3).roundTimeoutNanos(5_000_000).suspectAfterMaxNanos(8_000_000).build());
    assertTrue(e.getMessage().contains("suspect-after-max (8000000ns) must be at least twice round-timeout"),
        e.getMessage());
    // Unset: suspect-after-rounds x round-timeout-max, which the rounds reach first anyway.
    assertEquals(10 * 20_000_000L, ChoraConfig.builder(3).build().suspectAfterMaxNanos());
    assertEquals(100_000_000L, ChoraConfig.builder(3).suspectAfterMaxNanos(100_000_000).build().suspectAfterMaxNanos());
  }

  @Test
  void theWarmUpIsOffByDefaultAndItsBoundsAreChecked() {
    ChoraConfig d = ChoraConfig.builder(3).build();
    assertEquals(0, d.warmUpNanos());
    assertEquals(2, d.warmUpSuspicionFactor());
    InvalidConfigException e = assertThrows(InvalidConfigException.class,
        () -> ChoraConfig.builder(3).warmUpNanos(-1).warmUpSuspicionFactor(0).build());
    assertTrue(e.getMessage().contains("warm-up = -1ns: must be between 0 (no warm-up) and a day"), e.getMessage());
    assertTrue(e.getMessage().contains("warm-up-suspicion-factor = 0: must be between 1 and 16"), e.getMessage());
    e = assertThrows(InvalidConfigException.class,
        () -> ChoraConfig.builder(3).warmUpNanos(ChoraConfig.MAX_WARM_UP_NANOS + 1).warmUpSuspicionFactor(17).build());
    assertTrue(e.getMessage().contains("must be between 0 (no warm-up) and a day"), e.getMessage());
    assertTrue(e.getMessage().contains("warm-up-suspicion-factor = 17"), e.getMessage());
    ChoraConfig c = ChoraConfig.builder(3).warmUpNanos(60_000_000_000L).warmUpSuspicionFactor(3).build();
    assertEquals(60_000_000_000L, c.warmUpNanos());
    assertEquals(3, c.warmUpSuspicionFactor());
  }

  @Test
  void theAdaptiveRoundTimeoutsBoundsAreCheckedAndDefaultedSafely() {
    InvalidConfigException below = assertThrows(InvalidConfigException.class,
        () -> ChoraConfig.builder(3).roundTimeoutNanos(5_000_000).roundTimeoutMaxNanos(4_000_000).build());
    assertTrue(below.getMessage().contains("round-timeout-max (4000000ns) must be >= round-timeout"), below.getMessage());
    InvalidConfigException slowViews = assertThrows(InvalidConfigException.class,
        () -> ChoraConfig.builder(3).roundTimeoutMaxNanos(40_000_000).viewChangeTimeoutNanos(50_000_000).build());
    assertTrue(slowViews.getMessage().contains("at least twice round-timeout-max"), slowViews.getMessage());
    // Unset: four times round-timeout, but never more than half the view-change timeout.
    assertEquals(20_000_000, ChoraConfig.builder(3).build().roundTimeoutMaxNanos());
    assertEquals(6_000_000, ChoraConfig.builder(3).roundTimeoutNanos(2_000_000).viewChangeTimeoutNanos(12_000_000)
        .build().roundTimeoutMaxNanos());
    assertEquals(5_000_000, ChoraConfig.builder(3).roundTimeoutMaxNanos(5_000_000).build().roundTimeoutMaxNanos(),
        "equal bounds: a fixed timeout");
  }

  @Test
  void everyProblemIsListedAtOnce() {
    InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> ChoraConfig.builder(4)
        .roundTimeoutNanos(0).maxRoundsInFlight(0).maxBatchBytes(10).maxRequestBytes(100).build());
    assertTrue(e.problems().size() >= 4, e.getMessage());
  }

  @Test
  void aTransferMustHoldAWholeRound() {
    InvalidConfigException e = assertThrows(InvalidConfigException.class,
        () -> ChoraConfig.builder(5).maxBatchBytes(256 * 1024).maxTransferBytes(1 << 20).build());
    assertTrue(e.getMessage().contains("max-transfer-bytes (1048576) must hold a whole round of full batches,"
        + " replicas x (max-batch-bytes + 8) + 24 = 1310784"), e.getMessage());
    assertEquals(1 << 20, ChoraConfig.builder(9).build().maxTransferBytes(), "the defaults hold nine 64 KiB slots");
  }

  @Test
  void theLogWindowMustHoldTheRoundsInFlight() {
    InvalidConfigException e = assertThrows(InvalidConfigException.class,
        () -> ChoraConfig.builder(3).maxRoundsInFlight(20).logWindowRounds(16).build());
    assertTrue(e.getMessage().contains("log-window-rounds (16) must be at least"), e.getMessage());
  }

  @Test
  void snapshotsByBytesMustNotComeEveryRound() {
    InvalidConfigException e = assertThrows(InvalidConfigException.class,
        () -> ChoraConfig.builder(3).maxBatchBytes(64 * 1024).snapshotEveryBytes(1024).build());
    assertTrue(e.getMessage().contains("snapshot-every-bytes (1024) must be at least max-batch-bytes (65536)"),
        e.getMessage());
    assertEquals(32L << 20, ChoraConfig.builder(3).build().snapshotEveryBytes());
  }

  @Test
  void theLogsBytesBoundMustHoldTwoSnapshotIntervals() {
    InvalidConfigException e = assertThrows(InvalidConfigException.class,
        () -> ChoraConfig.builder(3).snapshotEveryBytes(32L << 20).maxLogBytes(48L << 20).build());
    assertTrue(e.getMessage().contains("max-log-bytes (50331648) must be at least twice snapshot-every-bytes"
        + " (33554432)"), e.getMessage());
    assertTrue(e.getMessage().contains("raise max-log-bytes or lower snapshot-every-bytes"), e.getMessage());
    ChoraConfig defaults = ChoraConfig.builder(3).build();
    assertEquals(96L << 20, defaults.maxLogBytes());
    assertEquals(4096, defaults.snapshotEveryRounds());
    assertEquals(8192, defaults.logWindowRounds());
  }

  @Test
  void replicaIdOutsideTheGroupIsRejected() {
    ChoraConfig c = ChoraConfig.builder(3).build();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new dev.chora.runtime.core.ReplicaCore(c, 3, null));
    assertTrue(e.getMessage().contains("replica id 3 is outside 0..2"), e.getMessage());
  }
}
