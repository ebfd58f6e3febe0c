package dev.chora.examples.cli;

import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** {@code --cluster FILE} and {@code --timeout}: how a command reaches a running group. */
public final class ClusterOptions {
  @Option(names = "--cluster", required = true, paramLabel = "FILE",
      description = "client-node file: chora.replicas, node.hostname, node.port (0: any free port), node.transport"
          + " (docs/cli.md, \"Using a running cluster\")")
  Path cluster;

  @Option(names = "--timeout", defaultValue = "10s", converter = DurationConverter.class, paramLabel = "DURATION",
      description = "how long to wait to join the cluster, and again for the answer (default ${DEFAULT-VALUE})")
  Duration timeout;

  void validate() {
    if (timeout.isZero() || timeout.isNegative()) {
      throw new CliException("--timeout must be positive");
    }
  }
}
