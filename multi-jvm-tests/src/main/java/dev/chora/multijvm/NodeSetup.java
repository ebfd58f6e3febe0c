package dev.chora.multijvm;

import dev.chora.actors.entity.EntityType;
import java.util.List;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * What every replica JVM of a {@link ChoraCluster} hosts: the replicated entity types, declared
 * the same on every replica, as an application's own nodes declare them.
 *
 * <p>The class is named to the cluster ({@code ChoraCluster.builder(MySetup.class)}) and
 * instantiated in each node JVM through its public no-argument constructor, so it must be a
 * top-level or static nested public class on the test classpath. The command and reply classes
 * need a Pekko serializer bound in the classpath's {@code reference.conf} or {@code application.conf}
 * (or in {@link ChoraCluster.Builder#config(String)}), exactly as in production.
 */
public interface NodeSetup {

  /** The entity types of this node's replica; every replica must return the same types. */
  List<EntityType<?, ?>> entityTypes();

  /**
   * Called once the node's replica is started (before it is NORMAL), e.g. to start actors of the
   * application that should run on every node. Default: nothing.
   */
  default void started(ActorSystem<?> system) throws Exception {}
}
