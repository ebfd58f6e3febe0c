package dev.chora.runtime.message;

/**
 * The slots of one round as a replica holds them: {@code proposers} is the bit mask of the
 * replicas that propose in that round (the active set of the view that ran it), {@code tag} the
 * view in which these values were established (proposed in that view, or decided by its
 * StartView; {@link #COMMITTED} for content received as already executed), and {@code slots[j]}
 * is proposer j's batch, or null where it is not held. Within one tag a round has one content.
 * Used in view changes, state transfer and recovery. Immutable by convention.
 */
public record RoundSlots(long round, int proposers, long tag, Batch[] slots) {
  /** The tag of content known to be committed (it was executed where it came from). */
  public static final long COMMITTED = Long.MAX_VALUE;

  /** True when every proposer's slot is present. */
  public boolean complete() {
    for (int j = 0; j < slots.length; j++) {
      if ((proposers & (1 << j)) != 0 && slots[j] == null) {
        return false;
      }
    }
    return true;
  }

  /** The largest {@link #sizeBytes} of a round of {@code replicas} slots of at most {@code maxBatchBytes}. */
  public static long maxSizeBytes(int replicas, int maxBatchBytes) {
    return 24 + (long) replicas * (maxBatchBytes + 8);
  }

  /**
   * The bytes the protocol counts for this round against max-transfer-bytes: its batches plus a
   * small allowance per slot and per round. The encoding differs by its variable-length integers;
   * the frame-size checks leave room for a factor of two.
   */
  public long sizeBytes() {
    long bytes = 24;
    for (Batch b : slots) {
      bytes += b == null ? 1 : b.sizeBytes() + 8;
    }
    return bytes;
  }
}
