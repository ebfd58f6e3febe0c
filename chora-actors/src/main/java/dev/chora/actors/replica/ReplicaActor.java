package dev.chora.actors.replica;

import dev.chora.actors.ReplicaStatus;
import dev.chora.actors.control.DigestQuery;
import dev.chora.actors.control.PeerLinkGrant;
import dev.chora.actors.control.PeerLinkRequest;
import dev.chora.actors.control.StatusQuery;
import dev.chora.actors.membership.ClusterMembers;
import dev.chora.actors.membership.PeerIncarnations;
import dev.chora.actors.metrics.CommitLatency;
import dev.chora.actors.metrics.ReplicaMBean;
import dev.chora.actors.storage.OpenedStore;
import dev.chora.actors.storage.StorageWriter;
import dev.chora.runtime.config.ChoraConfig;
import dev.chora.runtime.config.ProposerPolicy;
import dev.chora.runtime.core.CoreOutput;
import dev.chora.runtime.core.DivergenceReport;
import dev.chora.runtime.core.DropReason;
import dev.chora.runtime.core.LogEntry;
import dev.chora.runtime.core.ReplicaCore;
import dev.chora.runtime.message.Batch;
import dev.chora.runtime.message.ClientBatch;
import dev.chora.runtime.message.ClientReplies;
import dev.chora.runtime.message.ClientReply;
import dev.chora.runtime.message.PeerMessage;
import dev.chora.runtime.message.ReadRequest;
import dev.chora.runtime.message.Request;
import dev.chora.runtime.spi.StateMachine;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.ActorPaths;
import org.apache.pekko.actor.Address;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.ChildFailed;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;

/**
 * The replica role as a Pekko actor: it owns a {@link ReplicaCore} and turns its outputs into
 * Artery sends (one message per peer per round, carrying the whole batch), committed work into
 * {@link ExecutorActor} messages (one per step), and its deadlines into {@link RoundTicker} arms.
 * One actor on one pinned thread: the core needs no locks.
 *
 * <p>Inputs: peer messages as themselves, through each peer's inbox ({@link PeerLinks}: one that
 * did not come from the replica it names is dropped and counted); client traffic as
 * {@link ClientBatch} from gateways (replies batched back per gateway) or single {@link Submit}s;
 * failure-detector news from Pekko Cluster; {@link StatusQuery} and {@link DigestQuery}. Client
 * batches and queries are served only when their reply goes to a cluster member or a configured
 * replica (with the cluster provider); others are dropped and counted.
 *
 * <p>The actor itself is a {@code Behavior<Object>}: besides its {@link Command}s, its one mailbox
 * takes runtime's {@link PeerMessage} and {@link ClientBatch} records as they come off the wire,
 * its ticker's tick, its executor's snapshots and Pekko Cluster's events, types with no common
 * supertype but Object. Each sender holds the narrowest ref to it: users
 * {@code ActorRef<Command>}, peers {@code ActorRef<PeerMessage>}, gateways
 * {@code ActorRef<ClientBatch>}.
 */
public final class ReplicaActor {
  private ReplicaActor() {}

  /** What users and other nodes' Chora extensions send a replica. */
  public interface Command {}

  /** One client request; the reply goes to {@code replyTo}. */
  public record Submit(Request request, ActorRef<ClientReply> replyTo) implements Command {}

  /**
   * Stops the replica (its ticker and executor with it) and answers {@code replyTo}: what the
   * node's coordinated shutdown sends it, so that a node going away stops sending rounds before
   * its transport shuts down.
   */
  public record Stop(ActorRef<Done> replyTo) implements Command {}

  /** Cluster role every replica member carries; a member with it must be listed in chora.replicas. */
  public static final String ROLE = "chora-replica";

  /** Resolved gateway paths kept at most; a client node's path is resolved once, not per batch. */
  private static final int MAX_CACHED_GATEWAYS = 4096;

  /** The JMX bean is refreshed at most this often: reading the figures costs a percentile sort. */
  private static final long PUBLISH_EVERY_NANOS = 100_000_000L;

  /** View changes are logged at most this often, with the count of those in between. */
  private static final long VIEW_LOG_EVERY_NANOS = 200_000_000L;

  /** Invalid messages are logged at most this often per drop reason, with the count of those in between. */
  private static final long DROP_LOG_EVERY_NANOS = 1_000_000_000L;

  /**
   * @param peerPaths actor paths of every replica's actor, indexed by replica id (this one's
   *                  included), e.g. {@code pekko://chora@127.0.0.1:25520/system/chora-replica}
   * @param restarted false only for the very first start of the group; a restarted replica has
   *                  lost its state and must recover before it votes
   * @param firstStartCheck with {@code restarted} false, how long to wait for the peers' answer to
   *                  whether the group has a history ({@link FirstStartCheck}); zero skips the check
   */
  public static Behavior<Object> create(ChoraConfig config, int self, List<String> peerPaths,
      StateMachine stateMachine, boolean restarted, java.time.Duration firstStartCheck) {
    return create(config, self, peerPaths, stateMachine, restarted, firstStartCheck, null);
  }

  /**
   * As {@link #create(ChoraConfig, int, List, StateMachine, boolean, java.time.Duration)}, durable
   * when {@code store} is given ({@code config.durable()} must then be true): the replica's storage
   * writer takes the store over (and closes it when the replica stops). A store that found a
   * restart gives the executor its snapshot and the core what it held ({@link ReplicaCore#restart});
   * {@code restarted} and the first-start check then do not apply. An empty one is a first start
   * as in memory mode, guarded alike.
   */
  public static Behavior<Object> create(ChoraConfig config, int self, List<String> peerPaths,
      StateMachine stateMachine, boolean restarted, java.time.Duration firstStartCheck, OpenedStore store) {
    if (store != null && !config.durable()) {
      throw new IllegalArgumentException("replica " + self + ": a data directory was opened for a memory-mode"
          + " replica; set ChoraConfig.durable(true) with it");
    }
    if (store == null && config.durable()) {
      throw new IllegalArgumentException("replica " + self + ": durable mode needs its opened data directory");
    }
    if (peerPaths.size() != config.replicas()) {
      throw new IllegalArgumentException("replica " + self + ": " + peerPaths.size() + " peer paths given for a group of "
          + config.replicas() + " replicas; list one actor path per replica id, in id order");
    }
    return Behaviors.setup(ctx -> {
      // Before anything is received: the inboxes are children the replica's mailbox must know.
      PeerLinks links = new PeerLinks(ctx, self, peerPaths);
      // The writer takes the store over now, and a child closes it when this actor stops, however
      // it stops (during the first-start check too, or failing): the directory's lock is released.
      StorageWriter writer = store == null ? null : new StorageWriter("chora-storage-writer-" + self,
          store.storage(), ctx.getSelf()::tell, store.writeQueueBytes(),
          store.firstStart() ? 0 : store.restored().nextSeq() - 1);
      if (writer != null) {
        ctx.spawn(StorageCloser.create(self, writer, store.dataDir()), "storage-writer");
      }
      if (store != null && !store.firstStart()) {
        if (restarted) {
          ctx.getLog().info("replica {}: chora.restarted = true is not needed in durable mode (ignored): the data"
              + " directory {} tells a restart", self, store.dataDir());
        }
        return new Running(ctx, config, self, peerPaths, links, stateMachine, false, store, writer).behavior();
      }
      return restarted || firstStartCheck.isZero()
          ? new Running(ctx, config, self, peerPaths, links, stateMachine, restarted, store, writer).behavior()
          : FirstStartCheck.create(ctx, self, peerPaths, firstStartCheck,
              recovering -> new Running(ctx, config, self, peerPaths, links, stateMachine, recovering, store, writer)
                  .behavior());
    });
  }

  /** A snapshot the executor took, now on disk: the core may have it (durable mode). */
  private record SnapshotSaved(ExecutorActor.SnapshotTaken taken) {}

  private static final class Running implements CoreOutput {
    private final ActorContext<Object> ctx;
    private final ReplicaCore core;
    private final List<String> peerPaths;
    private final PeerLinks links;
    /** Null without the cluster provider: there are no members to tell from others. */
    private final ClusterMembers members;
    private final Address selfAddress;
    private long fromNonMembers;
    private boolean linksAskScheduled;
    private final ActorRef<ExecutorActor.Work> executor;
    private final ReplyRoutes routes;
    private final ReplyRoutes.Sink replies;
    private final RoundTicker ticker;
    private final CommitLatency commitLatency = new CommitLatency();
    private final AtomicLong requestsExecuted = new AtomicLong();
    private final ReplicaMBean mbean;
    private final Map<String, ActorRef<ClientReplies>> gateways = new HashMap<>();
    private final PeerIncarnations incarnations;
    private List<Object> work = new ArrayList<>();
    private long armedDeadlineNanos = Long.MAX_VALUE;
    private long lastPublishedNanos;
    private static final int FORGED = DropReason.values().length;
    private static final int NOT_MEMBER = FORGED + 1;
    private final long[] droppedSinceLog = new long[NOT_MEMBER + 1];
    private final long[] lastDropLogNanos = new long[NOT_MEMBER + 1];
    private long viewChangesUnlogged;
    private long lastViewLogNanos;
    private String loggedViewChangeTimeout;
    private long loggedSuspicions;
    /** Durable mode's disk writer, off this actor's thread; null in memory mode. */
    private final StorageWriter writer;
    private final java.nio.file.Path dataDir;
    /** The number the next persisted entry gets (durable mode). */
    private long nextSeq = 1;

    Running(ActorContext<Object> ctx, ChoraConfig config, int self, List<String> peerPaths, PeerLinks links,
        StateMachine stateMachine, boolean restarted, OpenedStore store, StorageWriter writer) {
      this.ctx = ctx;
      // Named here: inside the first-start check's wrappers Pekko would name the log after ActorCell.
      ctx.setLoggerName(Running.class);
      this.peerPaths = peerPaths;
      this.incarnations = new PeerIncarnations(
          peerPaths.stream().map(p -> ActorPaths.fromString(p).address()).toList());
      this.links = links;
      this.members = clusterProvider() ? new ClusterMembers() : null;
      this.selfAddress = ctx.getSystem().address();
      this.routes = new ReplyRoutes(config.maxClients(), (int) Math.min(Integer.MAX_VALUE,
          ctx.getSystem().settings().config().getBytes("pekko.remote.artery.advanced.maximum-frame-size")));
      this.replies = routes.newSink();
      this.executor = ctx.spawn(
          ExecutorActor.create(self, stateMachine, config.maxClients(), routes, ctx.getSelf(), requestsExecuted,
              config.proposers() == ProposerPolicy.LEADER),
          "executor", DispatcherSelector.fromConfig("chora.executor-dispatcher"));
      // Unwatched, a failed executor would stop alone and this replica would go on voting while
      // nothing executes (no replies, no snapshots, a log growing to its limit).
      ctx.watch(executor);
      this.ticker = new RoundTicker("chora-round-ticker-" + self, ctx.getSelf().narrow());
      this.dataDir = store == null ? null : store.dataDir();
      this.writer = writer;
      if (store == null) {
        this.core = new ReplicaCore(config, self, this, restarted, ThreadLocalRandom.current().nextLong());
      } else {
        dev.chora.runtime.core.Restored restored = store.restored();
        this.nextSeq = restored == null ? 1 : restored.nextSeq();
        if (restored == null) {
          ctx.getLog().info("replica {}: durable, data directory {} is empty: a first start{}", self, dataDir,
              restarted ? ", recovering from its peers first (the group has a history this replica's disk does not"
                  + " hold, or chora.restarted = true)" : "");
          this.core = new ReplicaCore(config, self, this, restarted, ThreadLocalRandom.current().nextLong());
        } else {
          ctx.getLog().info("replica {}: restarting from data directory {}: snapshot of round {}, {} rounds held"
              + " above it, view {} (promised {}), next entry {}", self, dataDir, restored.snapshotRound(),
              restored.rounds().size(), restored.view().view(), restored.view().promisedView(), restored.nextSeq());
          if (restored.snapshot() != null) {
            // Before any work of the core's: the executor continues from the saved state.
            executor.tell(new ExecutorActor.Work(List.of(
                new ExecutorActor.InstallSnapshot(restored.snapshotRound(), restored.snapshot()))));
          }
          this.core = ReplicaCore.restart(config, self, this, restored, ThreadLocalRandom.current().nextLong());
        }
      }
      this.mbean = ReplicaMBean.register(ctx.getSystem().address().toString(), status());
      routes.viewChanged(core.view(), core.status(), core.activeSet());
    }

    Behavior<Object> behavior() {
      askLinks();
      step(() -> core.tick(System.nanoTime()));
      subscribeToMembership();
      return Behaviors.receive(Object.class)
          .onMessage(PeerMessage.class, m -> {
            if (!links.authentic(m)) {
              links.forged();
              logDropped(FORGED, "its sender is not the replica it names", m);
              return Behaviors.same();
            }
            return step(() -> core.receive(System.nanoTime(), m));
          })
          .onMessage(ClientBatch.class, this::clientBatch)
          .onMessageEquals(RoundTicker.Tick.INSTANCE, () -> {
            armedDeadlineNanos = Long.MAX_VALUE;
            return step(() -> core.tick(System.nanoTime()));
          })
          .onMessage(PeerLinkRequest.class, r -> {
            links.requested(r, System.nanoTime());
            askLinks();
            return Behaviors.same();
          })
          .onMessageEquals(PeerLinks.AskAgain.INSTANCE, () -> {
            linksAskScheduled = false;
            askLinks();
            return Behaviors.same();
          })
          .onMessage(PeerLinkGrant.class, g -> {
            if (!links.granted(g)) {
              links.forged();
              logDropped(FORGED, "a peer-link grant without this replica's nonce", g);
            }
            return Behaviors.same();
          })
          .onMessage(Submit.class, m -> step(() -> submit(m.request(), new ReplyRoutes.Route(null, m.replyTo()))))
          .onMessage(ExecutorActor.SnapshotTaken.class, m -> {
            if (writer != null) {
              // Saved first: the core frees its log below a snapshot it has.
              writer.saveSnapshot(m.round(), m.state(), new SnapshotSaved(m));
              return Behaviors.same();
            }
            return step(() -> core.snapshotTaken(m.round(), m.state(), m.digest()));
          })
          .onMessage(SnapshotSaved.class,
              m -> step(() -> core.snapshotTaken(m.taken().round(), m.taken().state(), m.taken().digest())))
          .onMessage(StorageWriter.Persisted.class, m -> step(() -> core.persisted(System.nanoTime(), m.seq())))
          .onMessage(StorageWriter.Failed.class, m -> {
            // The core is never told of anything more on disk: it acknowledges nothing more.
            ctx.getLog().error("replica {}: {}; it no longer acknowledges (its peers go on without it while f+1"
                + " others do); free space or fix the directory, then restart this replica", core.self(), m.why(),
                m.cause());
            mbean.publish(status());
            return Behaviors.same();
          })
          .onMessage(StatusQuery.class, q -> {
            if (fromMember(q.replyTo().path().address(), q)) {
              q.replyTo().tell(status());
            }
            return Behaviors.same();
          })
          .onMessage(DigestQuery.class, q -> {
            if (fromMember(q.replyTo().path().address(), q)) {
              executor.tell(new ExecutorActor.Work(List.of(new ExecutorActor.Digest(core.self(), q.replyTo()))));
            }
            return Behaviors.same();
          })
          .onMessage(ClusterEvent.UnreachableMember.class, e -> memberReachability(e.member(), false))
          .onMessage(ClusterEvent.ReachableMember.class, e -> memberReachability(e.member(), true))
          .onMessage(ClusterEvent.MemberEvent.class, this::memberEvent)
          .onMessage(Stop.class, m -> {
            m.replyTo().tell(Done.getInstance());
            return Behaviors.stopped();
          })
          .onSignal(ChildFailed.class, s -> {
            ctx.getLog().error("replica {}: {}", core.self(), s.getCause().getMessage(), s.getCause());
            return Behaviors.stopped();
          })
          .onSignal(PostStop.class, s -> {
            ticker.close();
            mbean.close(); // the storage writer is closed by its child, StorageCloser
            return Behaviors.same();
          })
          .build();
    }

    private Behavior<Object> clientBatch(ClientBatch batch) {
      ActorRef<ClientReplies> gateway = gateways.get(batch.replyTo());
      if (gateway == null) {
        if (gateways.size() >= MAX_CACHED_GATEWAYS) {
          gateways.clear();
        }
        gateway = ActorRefResolver.get(ctx.getSystem()).resolveActorRef(batch.replyTo());
        gateways.put(batch.replyTo(), gateway);
      }
      if (!fromMember(gateway.path().address(), batch)) {
        return Behaviors.same();
      }
      ReplyRoutes.Route route = new ReplyRoutes.Route(gateway, null);
      return step(() -> {
        for (Request r : batch.requests()) {
          submit(r, route);
        }
        for (ReadRequest r : batch.reads()) {
          read(r, route);
        }
      });
    }

    private void submit(Request request, ReplyRoutes.Route route) {
      long now = System.nanoTime();
      if (!routes.put(request.clientId(), request.seq(), route, now)) {
        route(route, ClientReply.refused(request.clientId(), request.seq(), ClientReply.Status.OVERLOADED));
        return;
      }
      core.submit(now, request);
    }

    private void read(ReadRequest read, ReplyRoutes.Route route) {
      long now = System.nanoTime();
      if (!routes.put(read.clientId(), read.seq(), route, now)) {
        route(route, ClientReply.refused(read.clientId(), read.seq(), ClientReply.Status.OVERLOADED));
        return;
      }
      core.read(now, read);
    }

    /** A refusal that never entered the routes table. */
    private void route(ReplyRoutes.Route route, ClientReply reply) {
      if (route.single() != null) {
        route.single().tell(reply);
      } else {
        route.gateway().tell(routes.replies(List.of(reply)));
      }
    }

    /**
     * Whether a client batch or query whose answer goes to {@code replyTo} is served: only when that
     * is this node, a cluster member or a configured replica (a replica asks its peers before it
     * has joined, see FirstStartCheck). A node outside the cluster never gets an answer; one that
     * names a member's gateway as its reply address can still have a command executed, its reply
     * going to that member (docs/runtime.md, Security). Without the cluster provider every sender
     * is served. Others are counted and logged.
     */
    private boolean fromMember(Address replyTo, Object message) {
      if (members == null || replyTo.hasLocalScope() || replyTo.equals(selfAddress) || members.contains(replyTo)
          || links.isReplica(replyTo)) {
        return true;
      }
      fromNonMembers++;
      logDropped(NOT_MEMBER, "its reply address " + replyTo + " is not a cluster member", message);
      return false;
    }

    /** Asks the peers that have not granted their inboxes, and again after ASK_EVERY while any has not. */
    private void askLinks() {
      if (links.askMissing(System.nanoTime()) && !linksAskScheduled) {
        linksAskScheduled = true;
        ctx.scheduleOnce(PeerLinks.ASK_EVERY, ctx.getSelf(), PeerLinks.AskAgain.INSTANCE);
      }
    }

    private boolean clusterProvider() {
      return "cluster".equals(ctx.getSystem().settings().config().getString("pekko.actor.provider"));
    }

    /**
     * Failure detection comes from Pekko Cluster (DESIGN §5): a replica's member marked unreachable,
     * exiting or removed is suspected at once, without waiting for suspect-after-rounds violations;
     * reachable or up again, it may rejoin. Without the cluster provider the core's own round-timeout
     * suspicion still works.
     */
    private void subscribeToMembership() {
      if (!clusterProvider()) {
        return;
      }
      Cluster.get(ctx.getSystem()).subscriptions().tell(
          Subscribe.create(ctx.getSelf().narrow(), ClusterEvent.ReachabilityEvent.class));
      // A member that leaves (or is downed and removed) is never reachable again in that incarnation.
      Cluster.get(ctx.getSystem()).subscriptions().tell(
          Subscribe.create(ctx.getSelf().narrow(), ClusterEvent.MemberEvent.class));
    }

    private Behavior<Object> memberEvent(ClusterEvent.MemberEvent event) {
      members.update(event);
      if (event instanceof ClusterEvent.MemberRemoved || event instanceof ClusterEvent.MemberExited) {
        return memberReachability(event.member(), false);
      }
      return event instanceof ClusterEvent.MemberUp ? memberUp(event.member()) : Behaviors.same();
    }

    /** A replica's member up is its current incarnation (see PeerIncarnations), reachable. */
    private Behavior<Object> memberUp(org.apache.pekko.cluster.Member member) {
      int replica = incarnations.up(member.address(), member.uniqueAddress().longUid());
      return replica >= 0 ? step(() -> reachability(replica, true)) : unlisted(member);
    }

    private Behavior<Object> memberReachability(org.apache.pekko.cluster.Member member, boolean reachable) {
      Address address = member.address();
      if (incarnations.idOf(address) >= 0) {
        int replica = incarnations.current(address, member.uniqueAddress().longUid());
        if (replica < 0) {
          ctx.getLog().debug("replica {}: ignored an event about {}, an earlier incarnation of a replica",
              core.self(), member.uniqueAddress());
          return Behaviors.same();
        }
        return step(() -> reachability(replica, reachable));
      }
      return unlisted(member);
    }

    private Behavior<Object> unlisted(org.apache.pekko.cluster.Member member) {
      Address address = member.address();
      if (member.hasRole(ROLE)) {
        // Someone configured a replica that is not in this group's list: it gets no say in the
        // protocol (its messages name an id that is not its own); make the misconfiguration loud.
        ctx.getLog().error("cluster member {} has role {} but is not listed in chora.replicas {}: it takes no part"
            + " in this group; give every replica the same chora.replicas list", address, ROLE, peerPaths);
      }
      return Behaviors.same(); // a member without a replica (an application node, a load generator)
    }

    private void reachability(int replica, boolean reachable) {
      if (reachable) {
        core.markReachable(System.nanoTime(), replica);
      } else {
        core.markUnreachable(System.nanoTime(), replica);
      }
    }

    private Behavior<Object> step(Runnable input) {
      input.run();
      if (core.divergence() != null) {
        // Logged by divergence(); the executor, a child, stops with this actor, its work unsent.
        return Behaviors.stopped();
      }
      if (!work.isEmpty()) {
        executor.tell(new ExecutorActor.Work(work));
        work = new ArrayList<>();
      }
      replies.flush();
      long deadline = core.nextDeadlineNanos();
      if (deadline != armedDeadlineNanos) {
        armedDeadlineNanos = deadline;
        ticker.arm(deadline);
      }
      long now = System.nanoTime();
      if (now - lastPublishedNanos > PUBLISH_EVERY_NANOS) {
        lastPublishedNanos = now;
        mbean.publish(status());
      }
      return Behaviors.same();
    }

    private ReplicaStatus status() {
      return StatusReport.of(core, requestsExecuted.get(), commitLatency,
          new ReplicaStatus.Refused(links.forgedCount(), fromNonMembers), System.nanoTime(),
          writer == null ? ReplicaStatus.Storage.MEMORY : StatusReport.storage(core, writer, dataDir));
    }

    @Override
    public void send(int to, PeerMessage message) {
      if (to == core.self()) {
        return; // the core keeps its own copy; a trip through Artery would only come back dropped
      }
      links.send(to, message);
    }

    @Override
    public void execute(long round, int proposer, Batch batch) {
      work.add(new ExecutorActor.Execute(round, proposer, batch));
    }

    @Override
    public void serveRead(ReadRequest read) {
      work.add(new ExecutorActor.ServeRead(read));
    }

    @Override
    public void reply(ClientReply reply) {
      replies.reply(reply);
    }

    @Override
    public void takeSnapshot(long round) {
      work.add(new ExecutorActor.TakeSnapshot(round));
    }

    @Override
    public void installSnapshot(long round, byte[] snapshot) {
      work.add(new ExecutorActor.InstallSnapshot(round, snapshot));
      if (writer != null) {
        writer.saveSnapshot(round, snapshot, null); // else a restart begins from an older one and catches up again
      }
    }

    @Override
    public void persist(LogEntry entry) {
      if (writer == null) {
        throw new IllegalStateException("replica " + core.self() + ": a memory-mode core asked to persist " + entry);
      }
      writer.append(nextSeq++, entry);
    }

    @Override
    public void viewChanged(long view, ReplicaCore.Status status, int activeSet) {
      routes.viewChanged(view, status, activeSet);
      // View changes should be rare; a storm of them is what an operator must see, but as a few
      // lines a second, not thousands.
      long now = System.nanoTime();
      viewChangesUnlogged++;
      if (core != null && now - lastViewLogNanos > VIEW_LOG_EVERY_NANOS) {
        lastViewLogNanos = now;
        ctx.getLog().info("replica {}: view {} {}, active set {} (round {}, commit index {}; {} view events since the"
            + " last line)", core.self(), view, status, Integer.toBinaryString(activeSet), core.currentRound(),
            core.commitIndex(), viewChangesUnlogged);
        viewChangesUnlogged = 0;
        long suspicions = core.stats().suspicions();
        if (suspicions != loggedSuspicions) {
          // Why the group left a view with every member perhaps alive: the timing that gave way.
          ctx.getLog().warn("replica {}: {} [{} suspicions since the last report]", core.self(),
              core.lastSuspicion(), suspicions - loggedSuspicions);
          loggedSuspicions = suspicions;
        }
        String timedOut = core.lastViewChangeTimeout();
        if (timedOut != null && !timedOut.equals(loggedViewChangeTimeout)) {
          loggedViewChangeTimeout = timedOut; // why views are not completing, at the same pace
          ctx.getLog().warn("replica {}: {}", core.self(), timedOut);
        }
      }
    }

    @Override
    public void divergence(DivergenceReport report) {
      if (report.verdict() == DivergenceReport.Verdict.PEERS_DIVERGED) {
        ctx.getLog().warn("replica {}: {}", core.self(), report.describe());
      } else {
        ctx.getLog().error("replica {}: {}", core.self(), report.describe());
      }
    }

    @Override
    public void roundEntered(long round, long nowNanos) {
      commitLatency.roundEntered(round, nowNanos);
    }

    @Override
    public void committed(long commitIndex) {
      commitLatency.committed(commitIndex, System.nanoTime());
    }

    @Override
    public void dropped(DropReason reason, PeerMessage message) {
      logDropped(reason.ordinal(), reason.toString(), message);
    }

    /**
     * Rate-limited: a flood of bad messages must not become a flood of log lines. Per reason (the
     * core's drop reasons, then {@link #FORGED} and {@link #NOT_MEMBER}), so that the ordinary stale
     * messages of a view change do not hide a stranger's.
     */
    private void logDropped(int r, String reason, Object message) {
      droppedSinceLog[r]++;
      long now = System.nanoTime();
      if (now - lastDropLogNanos[r] > DROP_LOG_EVERY_NANOS) {
        lastDropLogNanos[r] = now;
        ctx.getLog().warn("replica {} dropped an invalid message ({}): {} [{} dropped for this reason since its"
            + " last report]", core.self(), reason, message, droppedSinceLog[r]);
        droppedSinceLog[r] = 0;
      }
    }
  }
}
