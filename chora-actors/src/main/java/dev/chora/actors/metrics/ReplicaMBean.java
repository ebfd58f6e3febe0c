package dev.chora.actors.metrics;

import dev.chora.actors.ReplicaStatus;
import java.lang.management.ManagementFactory;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/** Publishes the latest {@link ReplicaStatus} as a {@link ReplicaMXBean}. */
public final class ReplicaMBean implements ReplicaMXBean, AutoCloseable {
  private volatile ReplicaStatus status;
  private final ObjectName name;

  private ReplicaMBean(ReplicaStatus initial, ObjectName name) {
    this.status = initial;
    this.name = name;
  }

  /** Registers the bean; a JMX failure is not a reason to stop a replica, so it yields an unregistered one. */
  public static ReplicaMBean register(String address, ReplicaStatus initial) {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    try {
      ObjectName name = new ObjectName("dev.chora:type=Replica,address=" + ObjectName.quote(address)
          + ",id=" + initial.replicaId());
      ReplicaMBean bean = new ReplicaMBean(initial, name);
      if (server.isRegistered(name)) {
        server.unregisterMBean(name);
      }
      server.registerMBean(bean, name);
      return bean;
    } catch (JMException e) {
      return new ReplicaMBean(initial, null);
    }
  }

  public void publish(ReplicaStatus latest) {
    status = latest;
  }

  @Override
  public void close() {
    if (name != null) {
      try {
        ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
      } catch (JMException ignored) {
        // gone already
      }
    }
  }

  @Override public int getReplicaId() { return status.replicaId(); }
  @Override public String getStatus() { return status.view().state().name(); }
  @Override public long getView() { return status.view().number(); }
  @Override public int getActiveSet() { return status.view().activeSet(); }
  @Override public long getCurrentRound() { return status.progress().currentRound(); }
  @Override public long getCommitIndex() { return status.progress().commitIndex(); }
  @Override public long getExecutedRound() { return status.progress().executedRound(); }
  @Override public long getRoundsEntered() { return status.rounds().entered(); }
  @Override public long getViolations() { return status.rounds().violations(); }
  @Override public long getViewChanges() { return status.viewChanges().started(); }
  @Override public long getRequestsProposed() { return status.requests().proposed(); }
  @Override public long getRequestsExecuted() { return status.requests().executed(); }
  @Override public int getQueuedRequests() { return status.requests().queued(); }
  @Override public double getCommitLatencyP50Ms() { return status.rounds().commitLatencyP50Millis(); }
  @Override public double getCommitLatencyP99Ms() { return status.rounds().commitLatencyP99Millis(); }
  @Override public double getRoundTimeoutMs() { return status.rounds().timeoutMillis(); }
  @Override public long getRoundsTimedOut() { return status.rounds().timedOut(); }
  @Override public long getSuspicions() { return status.viewChanges().suspicions(); }
  @Override public long getStateRequests() { return status.progress().stateRequests(); }
  @Override public long getViewChangeTimeouts() { return status.viewChanges().timeouts(); }
  @Override public long getViewChangeMessagesInParts() { return status.viewChanges().messagesInParts(); }
  @Override public long getOutsiderViewChangesAnswered() { return status.viewChanges().outsidersAnswered(); }
  @Override public long getViewsFallenBackTo() { return status.viewChanges().fallenBackTo(); }
  @Override public boolean isWarmingUp() { return status.warmingUp(); }
  @Override public long getForgedPeerMessages() { return status.refused().forgedPeerMessages(); }
  @Override public long getMessagesFromNonMembers() { return status.refused().fromNonMembers(); }
  @Override public String getStorageMode() { return status.storage().mode(); }
  @Override public long getPersistedEntries() { return status.storage().persistedSeq(); }
  @Override public long getEmittedEntries() { return status.storage().emittedSeq(); }
  @Override public long getStorageSyncs() { return status.storage().syncs(); }
  @Override public double getStorageSyncP50Ms() { return status.storage().syncP50Millis(); }
  @Override public double getStorageSyncP99Ms() { return status.storage().syncP99Millis(); }
  @Override public long getStorageBytesWritten() { return status.storage().bytesWritten(); }
  @Override public String getStorageFailure() { return status.storage().failure(); }
}
