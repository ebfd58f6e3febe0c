package dev.chora.multijvm.faults;

import dev.chora.multijvm.ChoraCluster;
import dev.chora.multijvm.ChoraClusterExtension;
import dev.chora.transport.launch.ArteryTransport;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The CI subset of the fault tests ({@link FaultSubset}) over Artery tcp, {@code chora node}'s default transport. */
class FaultsOverTcpTest extends FaultSubset {

  @RegisterExtension
  static final ChoraClusterExtension CLUSTER = clusterOver(ArteryTransport.Kind.TCP);

  @Override
  ChoraCluster cluster() {
    return CLUSTER.get();
  }
}
