package dev.chora.actors.entity;

/** The entity could not apply the command (it threw, or its type is not declared); nothing changed. */
public final class EntityCommandFailedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public EntityCommandFailedException(String reason) {
    super(reason);
  }
}
