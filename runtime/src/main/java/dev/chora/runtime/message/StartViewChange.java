package dev.chora.runtime.message;

/**
 * The sender has stopped normal operation and moves to {@code view} (DESIGN §6 step 1).
 *
 * <p>{@code boundView} is the highest view the sender is bound to: the last view it was normal in,
 * or the highest it sent a DoViewChange for (a promise to the coordinator), whichever is higher. It
 * can still fall back to any view above that, so a replica in a normal view above {@code boundView}
 * may answer a StartViewChange from outside its active set with that view's StartView instead of
 * joining: a lagging replica then no longer drags a healthy group through a view change.
 */
public record StartViewChange(long view, int from, long boundView) implements PeerMessage {

  /** A sender bound to {@code view} itself: every receiver in an older view joins it. */
  public StartViewChange(long view, int from) {
    this(view, from, view);
  }
}
