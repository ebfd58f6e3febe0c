package dev.chora.actors.control;

import dev.chora.actors.ReplicaStatus;
import dev.chora.actors.replica.ReplicaActor;
import org.apache.pekko.actor.typed.ActorRef;

/** Asks a replica, from any node, for its {@link ReplicaStatus}. */
public record StatusQuery(ActorRef<ReplicaStatus> replyTo) implements ReplicaActor.Command {}
