package dev.chora.actors.replica;

import dev.chora.actors.storage.StorageWriter;
import java.nio.file.Path;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * A durable replica's child that owns nothing but the end of its storage writer: a child is
 * stopped with its parent whichever way the parent stops (a Stop, a failure, the first-start check
 * interrupted, the actor system terminating), so its PostStop is the one place that always syncs
 * what is queued and closes the data directory, releasing its lock before the replica counts as
 * stopped.
 */
final class StorageCloser {
  private StorageCloser() {}

  /** How long a stopping replica waits for its writer to sync what is queued and close the store. */
  static final long CLOSE_MILLIS = 10_000;

  static Behavior<Void> create(int self, StorageWriter writer, Path dataDir) {
    return Behaviors.setup(ctx -> Behaviors.receive(Void.class).onSignal(PostStop.class, s -> {
      try {
        if (!writer.close(CLOSE_MILLIS)) {
          ctx.getLog().warn("replica {}: its storage writer did not finish within {} ms (a sync that does not"
              + " return); the data directory {} stays locked until it does", self, CLOSE_MILLIS, dataDir);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return Behaviors.same();
    }).build());
  }
}
