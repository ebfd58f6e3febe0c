package dev.chora.actors.replica;

import dev.chora.runtime.message.ClientReplies;
import dev.chora.runtime.message.ClientReply;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * Where each waiting client's reply goes. The replica records the route when a request arrives;
 * the replica (for refusals) and the executor (for results) answer through it. Each of the two
 * actors owns a {@link Sink} that gathers the replies of one message's handling per destination,
 * so a client node gets one {@link ClientReplies} per replica step, not one message per request.
 *
 * <p>Bounded: one entry per client session waiting here; a client that retries overwrites its
 * entry, and an answered client's entry is removed.
 */
final class ReplyRoutes {
  /** A route: a gateway (replies batched) or a single requester (one ClientReply). */
  record Route(ActorRef<Object> gateway, ActorRef<ClientReply> single) {}

  private final Map<Long, Route> routes = new ConcurrentHashMap<>();
  private final int capacity;
  /** The replica's view and active set, packed (view << 32 | activeSet), for every ClientReplies. */
  private volatile long viewAndActiveSet;

  ReplyRoutes(int capacity) {
    this.capacity = capacity;
  }

  /** False when full: the caller refuses the request with OVERLOADED instead of routing it. */
  boolean put(long clientId, Route route) {
    if (routes.size() >= capacity && !routes.containsKey(clientId)) {
      return false;
    }
    routes.put(clientId, route);
    return true;
  }

  /** The replica publishes its view and active set; replies carry them to clients. */
  void viewChanged(long view, int activeSet) {
    viewAndActiveSet = (view << 32) | (activeSet & 0xffffffffL);
  }

  ClientReplies replies(List<ClientReply> replies) {
    long packed = viewAndActiveSet;
    return new ClientReplies(packed >>> 32, (int) packed, replies);
  }

  int size() {
    return routes.size();
  }

  Sink newSink() {
    return new Sink();
  }

  /** Gathers replies during one message's handling; {@link #flush} sends them. One actor's own. */
  final class Sink {
    private final Map<ActorRef<Object>, List<ClientReply>> pending = new HashMap<>();

    void reply(ClientReply reply) {
      Route route = routes.remove(reply.clientId());
      if (route == null) {
        return; // nobody waits here (answered already, or the client went elsewhere)
      }
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
      for (Map.Entry<ActorRef<Object>, List<ClientReply>> e : pending.entrySet()) {
        e.getKey().tell(replies(e.getValue()));
      }
      pending.clear();
    }
  }
}
