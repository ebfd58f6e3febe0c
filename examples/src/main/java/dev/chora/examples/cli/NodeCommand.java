package dev.chora.examples.cli;

import dev.chora.examples.node.NodeConfig;
import dev.chora.examples.node.ReplicaNode;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "node", mixinStandardHelpOptions = true,
    description = {"Runs one replica, hosting every example entity type (key-value store, bank, counter).",
        "Start one per machine, each with its own replica id; the same build runs everywhere.",
        "Prints 'chora node: replica N ready' once the replica is NORMAL; SIGTERM stops it cleanly."},
    footerHeading = "%nExample config file:%n%n",
    footer = {"%s"})
public final class NodeCommand implements Callable<Integer> {
  @Option(names = "--config", required = true, paramLabel = "FILE",
      description = "HOCON node file: chora.replica-id, chora.replicas, node.transport (see the example below)")
  Path config;

  @Option(names = "--without-replica",
      description = "join the cluster with every transport and cluster setting of the replica but start no Chora"
          + " replica: the baseline chora bench --idle compares an idle replica's CPU with")
  boolean withoutReplica;

  @Mixin
  StorageOptions storage;

  @Override
  public Integer call() throws Exception {
    return ReplicaNode.run(NodeConfig.fromFile(config, storage.modeOrNull(), storage.dataDirOrNull()), System.out,
        !withoutReplica);
  }

  /** The footer with the example file (picocli formats footer lines with String.format). */
  static String[] footer() {
    return new String[] {NodeConfig.EXAMPLE.replace("%", "%%")};
  }
}
