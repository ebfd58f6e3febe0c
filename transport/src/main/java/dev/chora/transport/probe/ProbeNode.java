package dev.chora.transport.probe;

import dev.chora.transport.launch.EmbeddedDriverDirectory;
import com.typesafe.config.ConfigFactory;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.AbstractActorWithTimers;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Props;

/**
 * One JVM of {@link TransportProbe}: an actor system on the transport given by its configuration
 * file ({@code -Dconfig.file}), either echoing ({@code pong}) or timing sequential round trips to
 * a pong node ({@code ping <pong address> <warm-up> <round trips> <streams>}).
 *
 * <p>Each stream is measured between actors whose paths select it: {@code /user/...} actors use
 * Artery's ordinary stream, and {@code /system/chora-replica} (a system actor, named as the Chora
 * replica is) uses the large-message stream when it is listed in
 * {@code pekko.remote.artery.large-message-destinations}, as the project's reference.conf does. So
 * the "large" figures are those of the replicas' own traffic.
 *
 * <p>Output lines (parsed by the probe): {@code READY <address>}, then for a ping node one
 * {@code RESULT stream=<s> n=<n> lost=<k> <sorted round trips in ns, comma separated>} per stream and
 * {@code MEASURED}. The node then idles until stopped, so its idle CPU can be read.
 */
public final class ProbeNode {

  /** The replica's path: messages to it take the large-message stream (see reference.conf). */
  static final String REPLICA_NAME = "chora-replica";
  static final int PAYLOAD_BYTES = 64;

  private ProbeNode() {}

  public static void main(String[] args) throws Exception {
    ActorSystem system = ActorSystem.create("probe", EmbeddedDriverDirectory.ownDirectory(ConfigFactory.load()));
    ExtendedActorSystem ext = (ExtendedActorSystem) system;
    if (args[0].equals("pong")) {
      system.actorOf(Props.create(Echo.class), "pong");
      ext.systemActorOf(Props.create(Echo.class), REPLICA_NAME);
      System.out.println("READY " + ext.provider().getDefaultAddress());
      return; // the actor system's threads keep the JVM up until SIGTERM
    }
    System.out.println("READY " + ext.provider().getDefaultAddress());
    String peer = args[1];
    int warmup = Integer.parseInt(args[2]);
    int roundTrips = Integer.parseInt(args[3]);
    for (String stream : args[4].split(",")) {
      boolean large = stream.equals("large");
      String path = large ? "/system/" + REPLICA_NAME : "/user/pong";
      ActorRef target = resolve(system, peer + path, Duration.ofSeconds(60));
      ActorRef pinger = large
          ? ext.systemActorOf(Props.create(Pinger.class), REPLICA_NAME)
          : system.actorOf(Props.create(Pinger.class), "ping-" + stream);
      run(pinger, target, warmup);
      Outcome outcome = run(pinger, target, roundTrips);
      long[] rtts = outcome.rtts();
      Arrays.sort(rtts);
      StringBuilder sb = new StringBuilder("RESULT stream=").append(stream).append(" n=").append(rtts.length)
          .append(" lost=").append(outcome.lost()).append(' ');
      for (int i = 0; i < rtts.length; i++) {
        sb.append(i == 0 ? "" : ",").append(rtts[i]);
      }
      System.out.println(sb);
      system.stop(pinger);
    }
    System.out.println("MEASURED");
  }

  private static Outcome run(ActorRef pinger, ActorRef target, int n) throws Exception {
    CompletableFuture<Outcome> done = new CompletableFuture<>();
    pinger.tell(new Run(target, n, done), ActorRef.noSender());
    // Bounded by n loss timeouts in the worst case; the probe's own deadline is shorter.
    return done.get(n * LOSS_TIMEOUT.toSeconds() + 60, TimeUnit.SECONDS);
  }

  /** Retries until the pong node is up and its actor exists: the two JVMs start concurrently. */
  private static ActorRef resolve(ActorSystem system, String path, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        return system.actorSelection(path).resolveOne(Duration.ofSeconds(2)).toCompletableFuture()
            .get(5, TimeUnit.SECONDS);
      } catch (Exception e) {
        if (System.nanoTime() - deadline >= 0) {
          throw new IllegalStateException("cannot reach " + path + " within " + timeout, e);
        }
        Thread.sleep(200);
      }
    }
  }

  record Run(ActorRef target, int n, CompletableFuture<Outcome> done) {}

  /** After this long without its reply a round trip counts as lost. */
  static final Duration LOSS_TIMEOUT = Duration.ofSeconds(2);

  /** Replies with what it received: the other half of a round trip. */
  static final class Echo extends AbstractActor {
    @Override
    public Receive createReceive() {
      return receiveBuilder().match(byte[].class, b -> getSender().tell(b, getSelf())).build();
    }
  }

  /**
   * Sends one 64-byte message at a time and times each reply: sequential round trips. A reply
   * missing for {@link #LOSS_TIMEOUT} counts as lost and the next message goes out, so a dropped
   * message (Artery may drop under overload) shows up as a loss instead of stalling the probe.
   */
  static final class Pinger extends AbstractActorWithTimers {
    private final byte[] payload = new byte[PAYLOAD_BYTES];
    private Run run;
    private long[] rtts;
    private int count;
    private int attempts;
    private int lost;
    private long sequence;
    private long sentAt;

    @Override
    public Receive createReceive() {
      return receiveBuilder()
          .match(Run.class, r -> {
            run = r;
            rtts = new long[r.n()];
            count = 0;
            attempts = 0;
            lost = 0;
            next();
          })
          .match(byte[].class, b -> {
            if (b.length < Long.BYTES || ByteBuffer.wrap(b).getLong(0) != sequence) {
              return; // a reply that came after its timeout: already counted as lost
            }
            rtts[count++] = System.nanoTime() - sentAt;
            next();
          })
          .matchEquals(LOSS_TIMEOUT, t -> {
            lost++;
            next();
          })
          .build();
    }

    private void next() {
      if (attempts == rtts.length) {
        getTimers().cancel(LOSS_TIMEOUT);
        run.done().complete(new Outcome(Arrays.copyOf(rtts, count), lost));
        return;
      }
      attempts++;
      sequence++;
      ByteBuffer.wrap(payload).putLong(0, sequence);
      sentAt = System.nanoTime();
      run.target().tell(payload.clone(), getSelf());
      getTimers().startSingleTimer(LOSS_TIMEOUT, LOSS_TIMEOUT, LOSS_TIMEOUT);
    }
  }

  /** Round trips in ns (unsorted) and how many replies never came. */
  record Outcome(long[] rtts, int lost) {}
}
