package dev.chora.runtime.storage;

/**
 * What opening a log found: how much it replayed and whether it cut a torn tail.
 *
 * <p>A cut tail is normally a write that a crash interrupted before its sync, which no one was
 * told was durable. It can also be a bit flip in the very last record, which looks the same on
 * disk; a replica that was acknowledging that record would then have lost it. The durable mode
 * therefore treats a cut as "this replica may miss acknowledged records after {@link
 * #lastIndex()}" and does not vote them away (it fetches them from peers), rather than trusting
 * that the cut was harmless.
 *
 * @param segments  segment files in the log after opening
 * @param records   records replayed
 * @param lastIndex the last record's index after any cut, 0 for an empty log
 * @param cutBytes  bytes cut off the end (a torn record, or a last segment without a whole record)
 * @param cut       what was cut and why, or the empty string if nothing was
 */
public record ReplayReport(int segments, long records, long lastIndex, long cutBytes, String cut) {
  public boolean cutTornTail() {
    return !cut.isEmpty();
  }
}
