package dev.chora.actors.entity;

/**
 * The replicas could not apply the command: the entity threw (a checked or unchecked exception),
 * its type is not declared on the replicas, or its reply could not be serialized. The entity was
 * created if it did not exist, and whatever it changed before it threw stays changed, on every
 * replica alike (the failure is deterministic); the group goes on serving. A retry of the same
 * command gets the same answer: the replicas record it as the command's reply.
 * {@link EntityCommandNotDecodedException} is the case where the command never reached the entity.
 */
public class EntityCommandFailedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public EntityCommandFailedException(String reason) {
    super(reason);
  }
}
