package dev.chora.actors.entity;

/**
 * The entity could not apply the command: it threw, its type is not declared on the replicas, or
 * its reply could not be serialized. The entity was created if it did not exist, and whatever it
 * changed before it threw stays changed, on every replica alike (the failure is deterministic).
 */
public final class EntityCommandFailedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public EntityCommandFailedException(String reason) {
    super(reason);
  }
}
