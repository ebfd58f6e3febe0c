package dev.chora.actors.client;

/**
 * The replicas no longer knew the session the command was sent in ({@code SESSION_EXPIRED}). The
 * client table remembers at most {@code chora.protocol.max-clients} sessions and forgets the one
 * whose last command executed longest ago; this one was forgotten because that many other sessions
 * executed commands since its last. Every replica refuses a forgotten session's commands rather than
 * execute them: its late retry could otherwise apply a command a second time.
 *
 * <p>The command was not executed in answer to this attempt, and will not be later. When
 * {@link #mayHaveApplied()} is false that is the whole story: the command was not applied and may
 * be sent again. When it is true, an earlier attempt went unanswered and may have been applied
 * before the session was forgotten: the outcome is unknown, and the caller should read the state
 * before sending the command again. The client opens a new session for its next command. Seen
 * often, it means {@code max-clients} is below the number of sessions active at once: raise it on
 * every replica.
 */
public class ChoraSessionExpiredException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final boolean mayHaveApplied;

  public ChoraSessionExpiredException(long sessionId, boolean mayHaveApplied) {
    super("the Chora group no longer knows this client's session (client id " + sessionId + "): more sessions"
        + " than chora.protocol.max-clients executed commands since its last one, so the replicas forgot it and"
        + " refused the command"
        + (mayHaveApplied ? "; an earlier attempt went unanswered and may have been applied before the session was"
            + " forgotten, so the command's outcome is unknown: read the state before sending it again"
            : "; the command was not applied and may be sent again")
        + ". The next command opens a new session; if this is frequent, raise chora.protocol.max-clients on every"
        + " replica above the number of clients active at once");
    this.mayHaveApplied = mayHaveApplied;
  }

  /** False when the command was certainly not applied; true when its outcome is unknown. */
  public boolean mayHaveApplied() {
    return mayHaveApplied;
  }
}
