package dev.chora.actors.control;

import dev.chora.actors.ReplicaStatus;
import dev.chora.actors.replica.ReplicaActor;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * Asks a replica for its {@link ReplicaStatus}; answered only when {@code replyTo} is at a cluster
 * member's or a replica's address (docs/runtime.md, Security).
 */
public record StatusQuery(ActorRef<ReplicaStatus> replyTo) implements ReplicaActor.Command {}
