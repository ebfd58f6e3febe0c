package dev.chora.transport;

/**
 * A message whose encoding would exceed {@code chora.serialization.max-message-bytes}, or the room
 * left in the transport's frame. Thrown on write, so the sender learns of it instead of every
 * receiver dropping the bytes.
 */
public class MessageTooLargeException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public MessageTooLargeException(String message, Throwable cause) {
    super(message, cause);
  }

  public MessageTooLargeException(String message) {
    super(message);
  }
}
