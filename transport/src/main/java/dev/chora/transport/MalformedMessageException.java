package dev.chora.transport;

/**
 * Bytes that do not decode to a Chora message: truncated, oversized, corrupt, random, or of an
 * unknown format version or class id. The only exception {@link ChoraCodec#decode} lets out, so a
 * receiver can drop the message and carry on; the text says what was wrong.
 */
public class MalformedMessageException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public MalformedMessageException(String message) {
    super(message);
  }

  public MalformedMessageException(String message, Throwable cause) {
    super(message, cause);
  }
}
