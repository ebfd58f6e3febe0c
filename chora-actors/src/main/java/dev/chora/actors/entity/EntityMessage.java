package dev.chora.actors.entity;

import org.apache.pekko.actor.typed.ActorRef;

/**
 * What a replicated entity written as a typed {@code Behavior} receives (see
 * {@link EntityType#ofBehavior}): committed commands, in commit order, each with the reply-to its
 * answer goes to, and requests for a snapshot of its state.
 */
public sealed interface EntityMessage<C, R> {
  /** A committed command; answer it exactly once, on {@code replyTo}, before returning. */
  record Command<C, R>(C command, ActorRef<R> replyTo) implements EntityMessage<C, R> {}

  /** Reply with the whole state as bytes, as the factory will be handed them to restore it. */
  record TakeSnapshot<C, R>(ActorRef<byte[]> replyTo) implements EntityMessage<C, R> {}
}
