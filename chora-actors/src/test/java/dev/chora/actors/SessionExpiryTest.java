package dev.chora.actors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.chora.actors.OverloadFloodTest.AppendLog;
import dev.chora.actors.OverloadFloodTest.LogOp;
import dev.chora.actors.entity.EntityType;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A client table of two sessions: a node's idle session is forgotten while other nodes' sessions
 * execute. Its next command is refused as of an expired session on every replica, certainly not
 * applied, so the entity client sends it once more in a new session and the caller sees success.
 */
class SessionExpiryTest {
  static final Duration TIMEOUT = Duration.ofSeconds(20);
  LocalGroup group;

  @AfterEach
  void stop() throws Exception {
    if (group != null) {
      group.close();
    }
  }

  @Test
  void aCommandInAForgottenIdleSessionGoesAgainInANewOneAndAppliesOnce() throws Exception {
    group = new LocalGroup(3, "pekko.actor.provider = remote\n"
        + "pekko.actor.allow-java-serialization = on\n"
        + "pekko.actor.warn-about-java-serializer-usage = off\n"
        + "chora.protocol.max-clients = 2\n");
    for (ActorSystem<Void> system : group.systems) {
      Chora.get(system).startReplica(List.of(EntityType.of(OverloadFloodTest.LOG, id -> new AppendLog())));
    }
    append(0, 1); // node 0's session, idle from now on
    append(1, 2); // two more sessions: node 0's is forgotten
    append(2, 3);
    append(0, 4); // refused as expired, sent again in a new session
    long[] values = Chora.get(group.get(1)).entityRefFor(OverloadFloodTest.LOG, "log").ask(new LogOp(-1), TIMEOUT)
        .toCompletableFuture().get(30, TimeUnit.SECONDS).values();
    assertArrayEquals(new long[] {1, 2, 3, 4}, values, "every write applied once, in order");
  }

  private void append(int node, long value) throws Exception {
    Chora.get(group.get(node)).entityRefFor(OverloadFloodTest.LOG, "log").ask(new LogOp(value), TIMEOUT)
        .toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
