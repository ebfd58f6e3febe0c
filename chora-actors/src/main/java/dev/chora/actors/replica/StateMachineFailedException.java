package dev.chora.actors.replica;

/**
 * The user's state machine threw while the executor applied committed work, took or installed a
 * snapshot. The replica stops on it rather than go on voting with an executor that no longer
 * executes: a state machine must be deterministic and must not throw (a command it refuses gets a
 * failure reply of its own, as entities get {@code EntityCommandFailedException}).
 */
public final class StateMachineFailedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  StateMachineFailedException(String what, Throwable cause) {
    super("replica stopped: the state machine threw while " + what + " (" + cause + "); a state machine must be"
        + " deterministic and must not throw, so answer a command it refuses with a failure reply instead,"
        + " fix it, and restart this node (durable mode: it replays its log with the fixed state machine; memory"
        + " mode: with chora.restarted = true)", cause);
  }
}
