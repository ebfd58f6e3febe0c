package dev.chora.runtime.exec;

import dev.chora.runtime.message.Request;

/** Observes the executor; the simulator's invariant checkers and metrics listen here. */
public interface ExecutionListener {
  /** A request was applied to the state machine at log position (round, proposer, index). */
  default void applied(long round, int proposer, int index, Request request, byte[] result) {}

  /** A request at that position was a retry of an executed one and was not applied again. */
  default void skippedDuplicate(long round, int proposer, int index, Request request) {}

  /** A request at that position belonged to a session the client table did not know: not applied. */
  default void sessionExpired(long round, int proposer, int index, Request request) {}

  ExecutionListener NONE = new ExecutionListener() {};
}
