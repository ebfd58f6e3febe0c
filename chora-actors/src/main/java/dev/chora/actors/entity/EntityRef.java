package dev.chora.actors.entity;

import java.time.Duration;
import java.util.concurrent.CompletionStage;

/** A handle to one replicated entity: commands go through the Chora log and reply once applied. */
public final class EntityRef<C, R> {
  private final EntityClient client;
  private final EntityTypeKey<C, R> key;
  private final String entityId;

  EntityRef(EntityClient client, EntityTypeKey<C, R> key, String entityId) {
    this.client = client;
    this.key = key;
    this.entityId = entityId;
  }

  public String entityId() {
    return entityId;
  }

  public EntityTypeKey<C, R> typeKey() {
    return key;
  }

  /**
   * Sends {@code command}; the stage completes with the entity's reply once the command is
   * committed and applied — exactly once, however often it had to be retried — or fails with
   * <ul>
   *   <li>{@link java.util.concurrent.TimeoutException} after {@code timeout} (the command may then
   *       still be applied);
   *   <li>{@link EntityCommandFailedException} if the entity threw (a checked exception too); the
   *       group goes on serving, and a retry of the same request gets the same error;
   *   <li>{@link EntityCommandNotDecodedException} (a subclass) if the replicas could not decode the
   *       command: no serializer with its id, an unknown manifest (a client newer than the
   *       replicas), or a serializer that threw;
   *   <li>{@link dev.chora.actors.client.ChoraOverloadedException} if the replicas kept refusing the
   *       command as overloaded (their queues or client slots full) through the gateway's backed-off
   *       resends ({@code chora.client.overloaded-retries}): back off, or raise
   *       {@code chora.protocol.max-queued-requests}; unless its {@code mayHaveApplied()}, the
   *       command was not applied;
   *   <li>{@link java.util.concurrent.RejectedExecutionException} if {@code chora.client.max-in-flight}
   *       commands are in flight on this node;
   *   <li>{@link IllegalArgumentException} if the command is larger than
   *       {@code chora.protocol.max-request-bytes} (it is not sent), the timeout is not positive, or
   *       the command has no serializer;
   *   <li>{@link IllegalStateException} if the reply was too large for the transport or could not
   *       be decoded here (the command was applied), or this node's gateway has stopped (the node
   *       is shutting down);
   *   <li>a {@link ClassCastException} if the reply is not of the key's reply class.
   * </ul>
   */
  public CompletionStage<R> ask(C command, Duration timeout) {
    return client.ask(key, entityId, command, timeout, false);
  }

  /**
   * A linearizable read, answered by the entity's {@link ReplicatedEntity#query} on one replica
   * without going through the log: the replica waits until the round after the one it is in
   * (DESIGN §8's round barrier) is committed and applied, so the answer reflects every command
   * that completed before the read was sent. Cheaper than {@link #ask} for a read; fails the same
   * ways, and with {@link EntityCommandFailedException} if the entity answers no reads.
   */
  public CompletionStage<R> askRead(C query, Duration timeout) {
    return client.ask(key, entityId, query, timeout, true);
  }
}
