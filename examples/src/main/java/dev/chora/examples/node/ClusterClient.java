package dev.chora.examples.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.chora.actors.Chora;
import dev.chora.examples.cli.ChoraCli;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * A client node of a running group, from a client-node file ({@link NodeConfig#clientFromFile}):
 * joins the cluster, and leaves it on {@link #close()}. What {@code chora kv}, {@code chora admin}
 * use.
 */
public final class ClusterClient implements AutoCloseable {
  /** Longer than a clean leave takes; bounded because Artery can hang in termination (docs/transport.md). */
  private static final Duration STOP_WAIT = Duration.ofSeconds(10);

  private final ActorSystem<Void> system;

  private ClusterClient(ActorSystem<Void> system) {
    this.system = system;
  }

  /**
   * Reads {@code file} and joins the cluster within {@code timeout}; a bad file is a
   * {@link dev.chora.examples.cli.CliException}, a cluster not joined in time an
   * {@link IllegalStateException} naming the addresses tried.
   */
  public static ClusterClient connect(Path file, Duration timeout) throws Exception {
    Config config = NodeConfig.clientFromFile(file);
    if (System.getenv("CHORA_DEBUG") == null) {
      // A short-lived command's own error says what failed (which addresses it tried); Artery's
      // warnings for every refused connection on the way only bury it.
      config = ConfigFactory.parseString("pekko.loglevel = ERROR").withFallback(config);
    }
    ChoraCli.initLogging();
    return new ClusterClient(ClientNode.start(config, timeout));
  }

  public ActorSystem<Void> system() {
    return system;
  }

  public Chora chora() {
    return Chora.get(system);
  }

  @Override
  public void close() {
    ClientNode.stop(system, STOP_WAIT);
  }
}
