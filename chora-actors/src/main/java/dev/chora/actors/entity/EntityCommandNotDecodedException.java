package dev.chora.actors.entity;

/**
 * The replicas could not decode the command: no serializer with its id, a manifest its serializer
 * does not know, or a serializer that threw. Typically a client one version ahead of the replicas
 * in a rolling upgrade, sending a command class or manifest they do not have yet: upgrade the
 * replicas first. The command was committed and refused alike on every replica; no entity saw it,
 * and none was created for it.
 */
public final class EntityCommandNotDecodedException extends EntityCommandFailedException {
  private static final long serialVersionUID = 1L;

  public EntityCommandNotDecodedException(String reason) {
    super(reason);
  }
}
