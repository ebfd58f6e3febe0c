package dev.chora.runtime.core;

/** Why a received message was dropped; each is counted in {@link CoreStats}. */
public enum DropReason {
  /** The sender id is not a replica of this group, or is this replica's own. */
  UNKNOWN_SENDER,
  /** The message belongs to another view. */
  WRONG_VIEW,
  /** The round lies beyond the log window; it will be fetched again once in reach. */
  OUT_OF_WINDOW,
  /** Fields that cannot be right: wrong vector length, negative rounds, bad proposer. */
  MALFORMED,
  /** A batch or transfer over its configured size limit. */
  OVERSIZED
}
