package dev.chora.actors.control;

import dev.chora.actors.ReplicaStatus;
import org.apache.pekko.actor.typed.ActorRef;

/** Asks a replica, from any node, for its {@link ReplicaStatus}. */
public record StatusQuery(ActorRef<ReplicaStatus> replyTo) {}
