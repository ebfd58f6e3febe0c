package dev.chora.transport.probe;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.AbstractActor;
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
 * {@code RESULT stream=<s> n=<n> <sorted round trips in ns, comma separated>} per stream and
 * {@code MEASURED}. The node then idles until stopped, so its idle CPU can be read.
 */
public final class ProbeNode {

  /** The replica's path: messages to it take the large-message stream (see reference.conf). */
  static final String REPLICA_NAME = "chora-replica";
  static final int PAYLOAD_BYTES = 64;

  private ProbeNode() {}

  public static void main(String[] args) throws Exception {
    ActorSystem system = ActorSystem.create("probe", ConfigFactory.load());
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
      long[] rtts = run(pinger, target, roundTrips);
      Arrays.sort(rtts);
      StringBuilder sb = new StringBuilder("RESULT stream=").append(stream).append(" n=").append(rtts.length).append(' ');
      for (int i = 0; i < rtts.length; i++) {
        sb.append(i == 0 ? "" : ",").append(rtts[i]);
      }
      System.out.println(sb);
      system.stop(pinger);
    }
    System.out.println("MEASURED");
  }

  private static long[] run(ActorRef pinger, ActorRef target, int n) throws Exception {
    CompletableFuture<long[]> done = new CompletableFuture<>();
    pinger.tell(new Run(target, n, done), ActorRef.noSender());
    // Generous: 2,000 round trips at the worst observed 10 ms each take 20 s.
    return done.get(10L * 60, TimeUnit.SECONDS);
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

  record Run(ActorRef target, int n, CompletableFuture<long[]> done) {}

  /** Replies with what it received: the other half of a round trip. */
  static final class Echo extends AbstractActor {
    @Override
    public Receive createReceive() {
      return receiveBuilder().match(byte[].class, b -> getSender().tell(b, getSelf())).build();
    }
  }

  /** Sends one 64-byte message at a time and times each reply: sequential round trips. */
  static final class Pinger extends AbstractActor {
    private final byte[] payload = new byte[PAYLOAD_BYTES];
    private Run run;
    private long[] rtts;
    private int count;
    private long sentAt;

    @Override
    public Receive createReceive() {
      return receiveBuilder()
          .match(Run.class, r -> {
            run = r;
            rtts = new long[r.n()];
            count = 0;
            if (r.n() == 0) {
              r.done().complete(rtts);
            } else {
              send();
            }
          })
          .match(byte[].class, b -> {
            rtts[count++] = System.nanoTime() - sentAt;
            if (count == rtts.length) {
              run.done().complete(rtts);
            } else {
              send();
            }
          })
          .build();
    }

    private void send() {
      sentAt = System.nanoTime();
      run.target().tell(payload, getSelf());
    }
  }
}
