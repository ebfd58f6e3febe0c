package dev.chora.runtime.sim;

import dev.chora.runtime.message.ClientReply;
import dev.chora.runtime.message.ReadRequest;
import dev.chora.runtime.message.Request;

/**
 * One happening of a simulated run, scheduled on the run's {@link SimQueue}: each kind holds what
 * it needs and nothing else.
 *
 * <p>{@link #kind}, {@link #target} and {@link #source} feed the run's event digest
 * ({@link SimResult#digest}), so a kind's place in {@link Kind} and the numbers each record gives
 * there must not change unless the recorded digests are rewritten on purpose.
 */
sealed interface SimEvent {
  /** In the order whose ordinals the digest hashes. */
  enum Kind {
    PEER_MESSAGE, CLIENT_REQUEST, CLIENT_READ, REPLY, TICK, SNAPSHOT, CLIENT_NEXT, CLIENT_TIMEOUT, LINK_FAULT, LINK_HEAL,
    FAULT_START, FAULT_END, FLAP, SYNC
  }

  /** A client's endpoint number in {@link #source}: clients are no replica. */
  int CLIENT = -1;

  Kind kind();

  /** The replica or client the event is for (for a link, the receiving end). */
  int target();

  /** Where it comes from: the sending replica, {@link #CLIENT}, or what else the kind says. */
  int source();

  /** A peer message reaches its receiver. */
  record PeerMessageArrives(InFlight message) implements SimEvent {
    public Kind kind() {
      return Kind.PEER_MESSAGE;
    }

    public int target() {
      return message.to();
    }

    public int source() {
      return message.from();
    }
  }

  /** A client's request reaches a replica. */
  record RequestArrives(int replica, Request request) implements SimEvent {
    public Kind kind() {
      return Kind.CLIENT_REQUEST;
    }

    public int target() {
      return replica;
    }

    public int source() {
      return CLIENT;
    }
  }

  /** A client's round-barrier read reaches a replica. */
  record ReadArrives(int replica, ReadRequest read) implements SimEvent {
    public Kind kind() {
      return Kind.CLIENT_READ;
    }

    public int target() {
      return replica;
    }

    public int source() {
      return CLIENT;
    }
  }

  /** A replica's reply reaches a client (by its index). */
  record ReplyArrives(int client, int replica, ClientReply reply) implements SimEvent {
    public Kind kind() {
      return Kind.REPLY;
    }

    public int target() {
      return client;
    }

    public int source() {
      return replica;
    }
  }

  /** A replica's timer, valid only for the incarnation that asked for it. */
  record Tick(int replica, int incarnation) implements SimEvent {
    public Kind kind() {
      return Kind.TICK;
    }

    public int target() {
      return replica;
    }

    public int source() {
      return replica;
    }
  }

  /** A snapshot the executor took after {@code round}, handed back to the incarnation that asked. */
  record SnapshotTaken(int replica, int incarnation, long round, byte[] snapshot, long digest) implements SimEvent {
    public Kind kind() {
      return Kind.SNAPSHOT;
    }

    public int target() {
      return replica;
    }

    public int source() {
      return replica;
    }
  }

  /** A replica's disk finished the sync it started (durable mode), for the incarnation that started it. */
  record SyncDone(int replica, int incarnation) implements SimEvent {
    public Kind kind() {
      return Kind.SYNC;
    }

    public int target() {
      return replica;
    }

    public int source() {
      return replica;
    }
  }

  /** A client's think time is over: it may start its next operation. */
  record ClientNext(int client) implements SimEvent {
    public Kind kind() {
      return Kind.CLIENT_NEXT;
    }

    public int target() {
      return client;
    }

    public int source() {
      return 0;
    }
  }

  /** A client's attempt {@code attempt} of operation {@code seq} had no answer in time. */
  record ClientTimeout(int client, int attempt, long seq) implements SimEvent {
    public Kind kind() {
      return Kind.CLIENT_TIMEOUT;
    }

    public int target() {
      return client;
    }

    /** The attempt, in the digest's source place. */
    public int source() {
      return attempt;
    }
  }

  /** The link from {@code from} to {@code to} starts losing and delaying messages. */
  record LinkFault(int from, int to) implements SimEvent {
    public Kind kind() {
      return Kind.LINK_FAULT;
    }

    public int target() {
      return to;
    }

    public int source() {
      return from;
    }
  }

  /** The link from {@code from} to {@code to} is sound again. */
  record LinkHeal(int from, int to) implements SimEvent {
    public Kind kind() {
      return Kind.LINK_HEAL;
    }

    public int target() {
      return to;
    }

    public int source() {
      return from;
    }
  }

  /** A fault episode is due to begin (if it keeps at most f replicas faulty). */
  record FaultStart(FaultEpisode episode) implements GroupWide {
    public Kind kind() {
      return Kind.FAULT_START;
    }
  }

  /** A fault episode is due to end. */
  record FaultEnd(FaultEpisode episode) implements GroupWide {
    public Kind kind() {
      return Kind.FAULT_END;
    }
  }

  /** A flapping episode's links turn over: cut if they were up, up if they were cut. */
  record Flap(FaultEpisode episode) implements GroupWide {
    public Kind kind() {
      return Kind.FLAP;
    }
  }

  /** An event about fault episodes rather than one endpoint: 0 in the digest's endpoint places. */
  sealed interface GroupWide extends SimEvent {
    @Override
    default int target() {
      return 0;
    }

    @Override
    default int source() {
      return 0;
    }
  }
}
