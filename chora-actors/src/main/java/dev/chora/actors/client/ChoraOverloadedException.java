package dev.chora.actors.client;

/**
 * The Chora group refused a command as overloaded ({@code OVERLOADED}: a replica's request queue,
 * {@code chora.protocol.max-queued-requests} / {@code max-queued-bytes}, its waiting reads,
 * {@code max-pending-reads}, or its slots for clients waiting for an answer, {@code max-clients},
 * were full) on every attempt the gateway made: {@code chora.client.overloaded-retries} resends,
 * backing off up to {@code chora.client.overloaded-max-backoff}, or fewer when the caller's deadline
 * would have passed before the next one. The caller should back off (send less at once, retry
 * later), or the replicas' bounds be raised.
 *
 * <p>A refusal means the replica did not take the command. {@link #mayHaveApplied()} is false when
 * every attempt was refused, so the command was not applied and may be sent again as a new one;
 * it is true when some attempt went unanswered (then resent elsewhere), and that one may still apply.
 */
public class ChoraOverloadedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int refusals;
  private final boolean mayHaveApplied;

  public ChoraOverloadedException(int refusals, boolean mayHaveApplied, boolean deadlineFirst) {
    super("the Chora group is overloaded: its replicas refused the command " + refusals + " time"
        + (refusals == 1 ? "" : "s") + " (request queue or waiting clients full)"
        + (deadlineFirst ? ", and the caller's deadline would pass before the next attempt" : "")
        + (mayHaveApplied ? "; an earlier attempt went unanswered, so the command may still apply"
            : "; the command was not applied")
        + ". Back off and retry later or send less at once, or raise chora.protocol.max-queued-requests"
        + " (and max-clients) on every replica");
    this.refusals = refusals;
    this.mayHaveApplied = mayHaveApplied;
  }

  /** How many times the replicas refused the command as overloaded. */
  public int refusals() {
    return refusals;
  }

  /** False when every attempt was refused: the command was not applied. */
  public boolean mayHaveApplied() {
    return mayHaveApplied;
  }
}
