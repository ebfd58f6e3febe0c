package dev.chora.runtime.message;

/**
 * The answer to a client's request or read. {@code result} is the state machine's reply when
 * {@code status} is {@link Status#OK}; otherwise it is empty and the status says why the request
 * was refused (nothing was executed for a refused request) or, for {@link Status#REPLY_TOO_LARGE},
 * why its reply cannot be delivered.
 */
public record ClientReply(long clientId, long seq, Status status, byte[] result) {
  private static final byte[] NONE = new byte[0];

  public enum Status {
    /** Executed (or, for a read, answered); {@code result} holds the reply. */
    OK,
    /** The replica's queue is full; retry later, preferably with back-off. */
    OVERLOADED,
    /** The request exceeds max-request-bytes and will never be accepted. */
    REQUEST_TOO_LARGE,
    /**
     * This replica cannot take the request now: it is outside the active set, recovering, or in
     * a view change. Nothing was executed; retry at another replica.
     */
    NOT_ACTIVE,
    /**
     * The request was executed, but its reply is larger than one transport frame can carry, so it
     * can never be delivered (a retry gets the same answer). The state machine must keep replies
     * below the frame size ({@code pekko.remote.artery.advanced.maximum-frame-size}).
     */
    REPLY_TOO_LARGE,
    /**
     * The request's client id names no session the replicas know: it was never opened (see
     * {@link Request#openSession}), or the client table forgot it (more than max-clients sessions
     * executed since its last request). The request was not executed, and no later request of that
     * session will be; an earlier attempt of the same request may have been, before the session was
     * forgotten. Open a new session for the next request.
     */
    SESSION_EXPIRED
  }

  public static ClientReply ok(long clientId, long seq, byte[] result) {
    return new ClientReply(clientId, seq, Status.OK, result);
  }

  /** The answer to {@link Request#openSession}: the new session's client id, as the result. */
  public static ClientReply sessionOpened(long replyTo, long sessionId) {
    return ok(replyTo, Request.OPEN_SESSION_SEQ, java.nio.ByteBuffer.allocate(8).putLong(sessionId).array());
  }

  /**
   * The client id of the session an OK answer to {@link Request#openSession} opened.
   *
   * @throws IllegalArgumentException if this is not such an answer
   */
  public long openedSessionId() {
    if (status != Status.OK || seq != Request.OPEN_SESSION_SEQ || result.length != 8) {
      throw new IllegalArgumentException("not the answer to a session's opening: " + status + " seq " + seq + ", "
          + result.length + " bytes");
    }
    return java.nio.ByteBuffer.wrap(result).getLong();
  }

  public static ClientReply refused(long clientId, long seq, Status status) {
    return new ClientReply(clientId, seq, status, NONE);
  }
}
