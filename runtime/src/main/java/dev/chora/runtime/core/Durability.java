package dev.chora.runtime.core;

/**
 * The durable mode's side of the core (DESIGN §7; etcd raft's Ready/Advance): numbers the
 * {@link LogEntry log entries} the core emits and learns from storage which are on disk.
 * Skeleton: memory mode only, completed next.
 */
final class Durability {
  private final CoreContext c;
  private long emitted;
  private long persistedSeq;

  Durability(CoreContext c) {
    this.c = c;
  }

  long emitted() { return emitted; }
  long persistedSeq() { return persistedSeq; }

  boolean persisted(long seq) {
    if (seq <= persistedSeq) {
      return false;
    }
    persistedSeq = Math.min(seq, emitted);
    return true;
  }

  void acknowledgeIfQuiet() {}
}
