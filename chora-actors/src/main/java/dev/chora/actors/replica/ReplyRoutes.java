package dev.chora.actors.replica;

import dev.chora.runtime.core.ReplicaCore;
import dev.chora.runtime.message.ClientReplies;
import dev.chora.runtime.message.ClientReply;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * Where each waiting client's reply goes. The replica records the route when a request arrives;
 * the replica (for refusals) and the executor (for results) answer through it. Each of the two
 * actors owns a {@link Sink} that gathers the replies of one message's handling per destination,
 * so a client node gets one {@link ClientReplies} per replica step, not one message per request.
 *
 * <p>Bounded: one entry per client session waiting here; a client that retries overwrites its
 * entry, an answered client's entry is removed, and a full table forgets entries older than
 * {@link #STALE_ROUTE_NANOS} before it refuses a new client.
 *
 * <p>Replies go on Artery's ordinary stream, whose frames are at most {@code maximum-frame-size}:
 * a gateway's replies of one step are sent as several {@link ClientReplies} when they would not
 * fit in one, and a single reply that can never fit is answered with
 * {@link ClientReply.Status#REPLY_TOO_LARGE} instead of being dropped by the transport.
 */
final class ReplyRoutes {
  /** A route: a gateway (replies batched) or a single requester (one ClientReply). */
  record Route(ActorRef<ClientReplies> gateway, ActorRef<ClientReply> single) {}

  /** Who waits for the answer to which request of a client, since when. */
  private record Waiting(Route route, long seq, long sinceNanos) {}

  /**
   * A full table forgets routes older than this (at most once a second): their gateways have long
   * since resent elsewhere, so such a route only holds a place a new client needs.
   */
  static final long STALE_ROUTE_NANOS = TimeUnit.SECONDS.toNanos(10);

  /** What a reply adds to a message besides its result: client id, seq, status, length prefix. */
  static final int REPLY_OVERHEAD_BYTES = 32;

  /** Artery's envelope (recipient and sender paths, manifest) and ClientReplies' own header. */
  static final int ENVELOPE_HEADROOM_BYTES = 4096;

  private final Map<Long, Waiting> routes = new ConcurrentHashMap<>();
  private long lastStaleSweepNanos;
  private final int capacity;
  /** The most bytes of replies one message carries: a frame less the envelope's headroom. */
  private final int maxMessageBytes;
  /** A view the replica installed and that view's active set, as replies carry them. */
  private record InstalledView(long view, int activeSet) {}

  /**
   * The replica's last installed view, for every ClientReplies; one reference, so that the
   * executor's thread reads a view and its own active set together. Until one is installed (a
   * recovering replica), view -1: older than anything a client has heard, so it changes nothing
   * there.
   */
  private volatile InstalledView installed = new InstalledView(-1, 0);

  /** @param frameBytes the transport's largest frame for these replies ({@code maximum-frame-size}) */
  ReplyRoutes(int capacity, int frameBytes) {
    this.capacity = capacity;
    this.maxMessageBytes = frameBytes - ENVELOPE_HEADROOM_BYTES;
  }

  /**
   * Records who waits for request {@code seq} of {@code clientId}. False when full: the caller
   * refuses the request with OVERLOADED instead of routing it. One thread (the replica's) puts.
   */
  boolean put(long clientId, long seq, Route route, long nowNanos) {
    if (routes.size() >= capacity && !routes.containsKey(clientId)) {
      if (nowNanos - lastStaleSweepNanos < TimeUnit.SECONDS.toNanos(1)) {
        return false;
      }
      lastStaleSweepNanos = nowNanos;
      routes.values().removeIf(w -> nowNanos - w.sinceNanos() > STALE_ROUTE_NANOS);
      if (routes.size() >= capacity) {
        return false;
      }
    }
    routes.put(clientId, new Waiting(route, seq, nowNanos));
    return true;
  }

  /**
   * The replica publishes its view and active set; replies carry them to clients. Only an
   * installed view is published: while a view change is under way the replica already holds the
   * new view's number but still the old view's active set, and a client that learned that pair
   * would take a later reply at the same view (with the new active set) for old news, and keep
   * avoiding a replica the new view took back.
   */
  void viewChanged(long view, ReplicaCore.Status status, int activeSet) {
    if (status == ReplicaCore.Status.NORMAL) {
      installed = new InstalledView(view, activeSet);
    }
  }

  ClientReplies replies(List<ClientReply> replies) {
    InstalledView v = installed;
    return new ClientReplies(v.view(), v.activeSet(), replies);
  }

  private static int bytes(ClientReply reply) {
    return (reply.result() == null ? 0 : reply.result().length) + REPLY_OVERHEAD_BYTES;
  }

  int size() {
    return routes.size();
  }

  Sink newSink() {
    return new Sink();
  }

  /** Gathers replies during one message's handling; {@link #flush} sends them. One actor's own. */
  final class Sink {
    private final Map<ActorRef<ClientReplies>, List<ClientReply>> pending = new HashMap<>();

    void reply(ClientReply answer) {
      Waiting waiting = routes.get(answer.clientId());
      if (waiting == null || waiting.seq() != answer.seq() || !routes.remove(answer.clientId(), waiting)) {
        // Nobody waits here for this answer: answered already, the client went elsewhere, or it
        // has moved on to a later request, whose route must stay.
        return;
      }
      Route route = waiting.route();
      ClientReply reply = bytes(answer) > maxMessageBytes
          ? ClientReply.refused(answer.clientId(), answer.seq(), ClientReply.Status.REPLY_TOO_LARGE)
          : answer;
      if (route.single() != null) {
        route.single().tell(reply);
      } else {
        pending.computeIfAbsent(route.gateway(), g -> new ArrayList<>()).add(reply);
      }
    }

    void flush() {
      if (pending.isEmpty()) {
        return;
      }
      for (Map.Entry<ActorRef<ClientReplies>, List<ClientReply>> e : pending.entrySet()) {
        List<ClientReply> all = e.getValue();
        int from = 0;
        int bytes = 0;
        for (int i = 0; i < all.size(); i++) {
          int b = bytes(all.get(i));
          if (bytes + b > maxMessageBytes) {
            e.getKey().tell(replies(all.subList(from, i)));
            from = i;
            bytes = 0;
          }
          bytes += b;
        }
        e.getKey().tell(replies(from == 0 ? all : all.subList(from, all.size())));
      }
      pending.clear();
    }
  }
}
