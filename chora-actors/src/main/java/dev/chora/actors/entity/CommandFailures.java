package dev.chora.actors.entity;

/**
 * The reasons a replica gives for a command it could not decode or apply. They become the
 * caller's exception message, so they name the entity type and the cause; they must be the same
 * on every replica, since every replica records the same reply for the command.
 */
final class CommandFailures {
  private CommandFailures() {}

  /** The serializer of the replicas lacks the command's id or manifest, or threw while decoding. */
  static String notDecoded(Envelope in, Exception cause) {
    return "entity type \"" + in.type() + "\": the command could not be decoded (serializer " + in.serializerId()
        + ", manifest \"" + in.manifest() + "\"): " + describe(cause) + " — is the client newer than the replicas?"
        + " Deploy the command's classes and serializer to every replica before clients send it";
  }

  /** The entity (or its factory, or its reply's serializer) threw. */
  static String failed(Envelope in, Object command, Exception cause) {
    return "entity type \"" + in.type() + "\", entity \"" + in.entityId() + "\": "
        + (command == null ? "null" : command.getClass().getSimpleName()) + " failed: " + describe(cause);
  }

  private static String describe(Exception e) {
    return e.getClass().getSimpleName() + ": " + e.getMessage();
  }
}
