package dev.chora.actors.client;

import dev.chora.actors.membership.PeerIncarnations;
import dev.chora.runtime.message.ClientBatch;
import dev.chora.runtime.message.ClientReplies;
import dev.chora.runtime.message.ClientReply;
import dev.chora.runtime.message.ReadRequest;
import dev.chora.runtime.message.Request;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.ActorPaths;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;

/**
 * The client gateway of one node, as a sharding proxy is: every request this node sends to the
 * Chora group passes through it, whether or not the node runs a replica. It batches: requests
 * arriving while a send is pending go out together, one {@link ClientBatch} per replica of at most
 * {@code max-batch-bytes} (a larger backlog goes out as several), and
 * replies come back as one {@link ClientReplies} per replica step.
 *
 * <p>Each request goes to a home replica (this node's own replica if it runs one, otherwise one
 * chosen by client id, spreading the load: every Chora replica proposes). Refused as NOT_ACTIVE it
 * is resent after a short pause, to the next replica. Refused as OVERLOADED it is resent after a
 * pause that doubles with each refusal (jittered, bounded), a bounded number of times; then the
 * caller gets a {@link ChoraOverloadedException}: an overloaded group tells its callers to back
 * off, instead of being asked again every few milliseconds until their deadlines. Unanswered after
 * {@code retry-after}, or at once when the cluster marks its replica unreachable or a reply tells of
 * a view that excludes it, a request is resent to the next replica. Resending is safe: the client id
 * and seq make execution exactly-once. Past its deadline the caller gets a {@link TimeoutException}
 * (the request may still apply). Sessions are the caller's: a request goes in one the caller
 * opened (the entity client opens and reuses them); one the replicas do not know is refused with a
 * {@link ChoraSessionExpiredException}.
 *
 * <p>Users send it {@link Ask}s through an {@code ActorRef<Ask>}. The actor itself is a
 * {@code Behavior<Object>}: its mailbox also takes the replicas' {@link ClientReplies} (runtime's
 * records, as they come off the wire), its own timers' messages and Pekko Cluster's events.
 */
public final class ClientGateway {
  private ClientGateway() {}

  /**
   * Sends {@code request} (as a round-barrier read if {@code read}); {@code result} completes with
   * an OK, REQUEST_TOO_LARGE or REPLY_TOO_LARGE reply, or fails on timeout, or with a
   * {@link ChoraOverloadedException} when the replicas kept refusing it as overloaded, or with a
   * {@link ChoraSessionExpiredException} when its session is not (or no longer) open. A request
   * that opens a session ({@link Request#openSession}) is answered OK with the session's id.
   */
  public record Ask(Request request, boolean read, long deadlineNanos, CompletableFuture<ClientReply> result) {}

  /** What an ask fails with once the gateway has stopped, here and in the entity client. */
  public static IllegalStateException stoppedError() {
    return new IllegalStateException("the Chora client gateway of this node has stopped (its actor system is"
        + " shutting down): the command may or may not have been applied");
  }

  private enum Flush { INSTANCE }

  private enum Sweep { INSTANCE }

  /**
   * How a gateway behaves; read from {@code chora.client}.
   *
   * @param maxPending asks waiting for their answer at most ({@code chora.client.max-in-flight});
   *                   past it an ask fails at once with a {@link RejectedExecutionException}
   * @param overloadedRetries    resends of a request refused as OVERLOADED before its ask fails with
   *                             a {@link ChoraOverloadedException}
   * @param overloadedMaxBackoff the longest pause before such a resend (they double from
   *                             {@code refusedPause})
   * @param onStop     run when the gateway stops, after every waiting ask has failed
   */
  public record Settings(int localReplica, List<String> replicaPaths, Duration retryAfter, Duration refusedPause,
      int overloadedRetries, Duration overloadedMaxBackoff, Duration sweepInterval, int maxBatchBytes, int maxPending,
      Runnable onStop) {}

  /** What a request adds to a batch besides its command: client id, seq, length prefix and headroom. */
  static final int REQUEST_OVERHEAD_BYTES = 32;

  public static Behavior<Object> create(Settings settings) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new Running(ctx, timers, settings).behavior()));
  }

  private static final class Pending {
    final Ask ask;
    int replica;
    long sentAtNanos;
    long resendAtNanos; // 0: not waiting for a resend
    /** OVERLOADED refusals so far; the pause before the next resend doubles with each. */
    int overloadedRefusals;
    /**
     * Some attempt was resent without being refused first (unanswered, or moved off a replica):
     * it may have been taken and may still apply, so a final refusal cannot say "not applied".
     */
    boolean mayHaveApplied;

    Pending(Ask ask, int replica) {
      this.ask = ask;
      this.replica = replica;
    }
  }

  private static final class Running {
    private final ActorContext<Object> ctx;
    private final TimerScheduler<Object> timers;
    private final Settings settings;
    private final int n;
    private final ActorRef<ClientBatch>[] replicas;
    private final PeerIncarnations incarnations;
    private final boolean[] unreachable;
    /** Outside the active set of the newest view any reply has told of. */
    private final boolean[] inactive;
    private long newestView = -1;
    private final String selfPath;
    private final Map<Long, Pending> pending = new HashMap<>();
    private final List<List<Request>> outgoing = new ArrayList<>();
    private final List<List<ReadRequest>> outgoingReads = new ArrayList<>();
    private final int[] outgoingBytes;
    private boolean flushScheduled;
    private boolean sweeping;

    @SuppressWarnings({"unchecked", "rawtypes"})
    Running(ActorContext<Object> ctx, TimerScheduler<Object> timers, Settings settings) {
      this.ctx = ctx;
      this.timers = timers;
      this.settings = settings;
      this.n = settings.replicaPaths().size();
      this.replicas = new ActorRef[n];
      this.unreachable = new boolean[n];
      this.inactive = new boolean[n];
      this.outgoingBytes = new int[n];
      ActorRefResolver resolver = ActorRefResolver.get(ctx.getSystem());
      for (int i = 0; i < n; i++) {
        replicas[i] = resolver.resolveActorRef(settings.replicaPaths().get(i));
        outgoing.add(new ArrayList<>());
        outgoingReads.add(new ArrayList<>());
      }
      this.incarnations = new PeerIncarnations(
          settings.replicaPaths().stream().map(p -> ActorPaths.fromString(p).address()).toList());
      this.selfPath = resolver.toSerializationFormat(ctx.getSelf());
    }

    Behavior<Object> behavior() {
      if ("cluster".equals(ctx.getSystem().settings().config().getString("pekko.actor.provider"))) {
        Cluster.get(ctx.getSystem()).subscriptions().tell(
            Subscribe.create(ctx.getSelf().narrow(), ClusterEvent.ReachabilityEvent.class));
        // Removed: that incarnation is gone; up: a replica (perhaps restarted) to send requests to again.
        Cluster.get(ctx.getSystem()).subscriptions().tell(
            Subscribe.create(ctx.getSelf().narrow(), ClusterEvent.MemberRemoved.class));
        Cluster.get(ctx.getSystem()).subscriptions().tell(
            Subscribe.create(ctx.getSelf().narrow(), ClusterEvent.MemberUp.class));
      }
      return Behaviors.receive(Object.class)
          .onMessage(Ask.class, this::ask)
          .onMessage(ClientReplies.class, this::replies)
          .onMessageEquals(Flush.INSTANCE, this::flush)
          .onMessageEquals(Sweep.INSTANCE, this::sweep)
          .onMessage(ClusterEvent.UnreachableMember.class, e -> reachability(e.member(), false))
          .onMessage(ClusterEvent.ReachableMember.class, e -> reachability(e.member(), true))
          .onMessage(ClusterEvent.MemberRemoved.class, e -> reachability(e.member(), false))
          .onSignal(PostStop.class, signal -> {
            IllegalStateException stopped = stoppedError();
            for (Pending p : pending.values()) {
              p.ask.result().completeExceptionally(stopped);
            }
            pending.clear();
            settings.onStop().run();
            return Behaviors.same();
          })
          .onMessage(ClusterEvent.MemberUp.class, e -> {
            int r = incarnations.up(e.member().address(), e.member().uniqueAddress().longUid());
            if (r >= 0) {
              unreachable[r] = false;
            }
            return Behaviors.same();
          })
          .build();
    }

    private Behavior<Object> ask(Ask ask) {
      long clientId = ask.request().clientId();
      Pending earlier = pending.get(clientId);
      if (earlier != null) {
        // Exactly-once allows one request at a time per client id; replacing the earlier one
        // would leave its caller waiting for ever.
        ask.result().completeExceptionally(new IllegalStateException("client id " + clientId + " has request seq "
            + earlier.ask.request().seq() + " waiting: send one request at a time per client id"));
        return Behaviors.same();
      }
      if (pending.size() >= settings.maxPending()) {
        ask.result().completeExceptionally(new RejectedExecutionException(settings.maxPending()
            + " requests are waiting in this node's gateway (chora.client.max-in-flight): retry later"));
        return Behaviors.same();
      }
      int home = settings.localReplica() >= 0 ? settings.localReplica() : (int) Math.floorMod(clientId, (long) n);
      Pending p = new Pending(ask, nextReachable(home - 1));
      pending.put(clientId, p);
      send(p);
      startSweeping();
      return Behaviors.same();
    }

    private void send(Pending p) {
      p.sentAtNanos = System.nanoTime();
      p.resendAtNanos = 0;
      Request r = p.ask.request();
      int bytes = r.command().length + REQUEST_OVERHEAD_BYTES;
      if (outgoingBytes[p.replica] > 0 && outgoingBytes[p.replica] + bytes > settings.maxBatchBytes()) {
        // A batch stays well inside the transport's frame, however many large requests are asked at once.
        flush(p.replica);
      }
      outgoingBytes[p.replica] += bytes;
      if (p.ask.read()) {
        outgoingReads.get(p.replica).add(new ReadRequest(r.clientId(), r.seq(), r.command()));
      } else {
        outgoing.get(p.replica).add(r);
      }
      if (!flushScheduled) {
        // Everything asked before this message is handled goes out in the same batch.
        flushScheduled = true;
        ctx.getSelf().tell(Flush.INSTANCE);
      }
    }

    private Behavior<Object> flush() {
      flushScheduled = false;
      for (int r = 0; r < n; r++) {
        flush(r);
      }
      return Behaviors.same();
    }

    private void flush(int r) {
      List<Request> requests = outgoing.get(r);
      List<ReadRequest> reads = outgoingReads.get(r);
      if (!requests.isEmpty() || !reads.isEmpty()) {
        replicas[r].tell(new ClientBatch(selfPath, requests, reads));
        outgoing.set(r, new ArrayList<>());
        outgoingReads.set(r, new ArrayList<>());
      }
      outgoingBytes[r] = 0;
    }

    private Behavior<Object> replies(ClientReplies replies) {
      long now = System.nanoTime();
      if (replies.view() > newestView) {
        newestView = replies.view();
        for (int r = 0; r < n; r++) {
          boolean wasInactive = inactive[r];
          inactive[r] = (replies.activeSet() & (1 << r)) == 0;
          if (inactive[r] && !wasInactive) {
            moveOff(r);
          }
        }
      }
      for (ClientReply reply : replies.replies()) {
        Pending p = pending.get(reply.clientId());
        if (p == null || p.ask.request().seq() != reply.seq()) {
          continue; // an answer to an earlier attempt, already settled
        }
        switch (reply.status()) {
          case OK, REQUEST_TOO_LARGE, REPLY_TOO_LARGE -> {
            pending.remove(reply.clientId());
            p.ask.result().complete(reply);
          }
          case SESSION_EXPIRED -> {
            // Refused on every replica alike, now and on any later attempt: resending cannot help.
            pending.remove(reply.clientId());
            p.ask.result().completeExceptionally(new ChoraSessionExpiredException(reply.clientId(), p.mayHaveApplied));
          }
          case NOT_ACTIVE -> {
            p.replica = nextReachable(p.replica);
            p.resendAtNanos = now + settings.refusedPause().toNanos();
          }
          case OVERLOADED -> overloaded(p, now);
        }
      }
      return Behaviors.same();
    }

    /**
     * Resends after a pause that doubles with each refusal up to {@code overloadedMaxBackoff},
     * jittered so that callers refused together do not come back together; fails the ask once the
     * resends are used up, or when its deadline would pass before the next one.
     */
    private void overloaded(Pending p, long now) {
      p.overloadedRefusals++;
      Request r = p.ask.request();
      long pause = overloadedPause(r.clientId(), r.seq(), p.overloadedRefusals);
      boolean deadlineFirst = now + pause - p.ask.deadlineNanos() >= 0;
      if (p.overloadedRefusals > settings.overloadedRetries() || deadlineFirst) {
        pending.remove(r.clientId());
        p.ask.result().completeExceptionally(
            new ChoraOverloadedException(p.overloadedRefusals, p.mayHaveApplied, deadlineFirst));
      } else {
        p.resendAtNanos = now + pause;
      }
    }

    /**
     * The pause after refusal {@code k} (from 1): drawn between half and all of
     * min(overloadedMaxBackoff, refusedPause x 2^(k-1)), deterministically from the request.
     */
    private long overloadedPause(long clientId, long seq, int k) {
      long max = settings.overloadedMaxBackoff().toNanos();
      long bound = settings.refusedPause().toNanos();
      for (int i = 1; i < k && bound < max; i++) {
        bound *= 2;
      }
      bound = Math.min(bound, max);
      long half = bound / 2;
      return bound - Math.floorMod(mix(clientId * 31 + seq * 17 + k), half + 1);
    }

    /** A 64-bit finalizer (SplitMix64's): nearby inputs give unrelated outputs. */
    private static long mix(long z) {
      z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
      z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
      return z ^ (z >>> 31);
    }

    private Behavior<Object> sweep() {
      long now = System.nanoTime();
      long retryAfter = settings.retryAfter().toNanos();
      Iterator<Pending> it = pending.values().iterator();
      while (it.hasNext()) {
        Pending p = it.next();
        if (now - p.ask.deadlineNanos() >= 0) {
          it.remove();
          p.ask.result().completeExceptionally(
              new TimeoutException("no reply from the Chora group in time; the command may still apply"));
        } else if (p.resendAtNanos != 0 && now - p.resendAtNanos >= 0) {
          send(p);
        } else if (p.resendAtNanos == 0 && now - p.sentAtNanos >= retryAfter) {
          p.mayHaveApplied = true;
          p.replica = nextReachable(p.replica);
          send(p);
        }
      }
      if (pending.isEmpty()) {
        timers.cancel(Sweep.INSTANCE);
        sweeping = false;
      }
      return Behaviors.same();
    }

    private void startSweeping() {
      if (!sweeping) {
        sweeping = true;
        timers.startTimerWithFixedDelay(Sweep.INSTANCE, Sweep.INSTANCE, settings.sweepInterval());
      }
    }

    /** Events about an earlier incarnation of a replica say nothing of the one now at its address. */
    private Behavior<Object> reachability(org.apache.pekko.cluster.Member member, boolean reachable) {
      int r = incarnations.current(member.address(), member.uniqueAddress().longUid());
      if (r >= 0) {
        unreachable[r] = !reachable;
        if (!reachable) {
          moveOff(r);
        }
      }
      return Behaviors.same();
    }

    /** Resends every request waiting at replica {@code r} to the next serving one. */
    private void moveOff(int r) {
      for (Pending p : pending.values()) {
        if (p.replica == r) {
          p.mayHaveApplied |= p.resendAtNanos == 0;
          p.replica = nextReachable(r);
          send(p);
        }
      }
    }

    /**
     * The first replica after {@code from} that is reachable and active, else the first reachable
     * one, else simply the next: with no good choice a request still goes somewhere and retries.
     */
    private int nextReachable(int from) {
      for (int i = 1; i <= n; i++) {
        int r = Math.floorMod(from + i, n);
        if (!unreachable[r] && !inactive[r]) {
          return r;
        }
      }
      for (int i = 1; i <= n; i++) {
        int r = Math.floorMod(from + i, n);
        if (!unreachable[r]) {
          return r;
        }
      }
      return Math.floorMod(from + 1, n);
    }
  }
}
