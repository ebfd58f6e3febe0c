package dev.chora.actors.entity;

import java.util.function.BiFunction;
import org.apache.pekko.actor.testkit.typed.javadsl.BehaviorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestInbox;
import org.apache.pekko.actor.typed.Behavior;

/**
 * Runs an entity written as a typed {@link Behavior} as a {@link ReplicatedEntity}. Replication
 * needs each command applied to completion, in order, on the executor's thread, before the next;
 * a behavior in a mailbox of its own would run whenever its dispatcher pleases. So the behavior is
 * interpreted synchronously with Pekko's own interpreter for that (BehaviorTestKit): each command
 * is one step of the behavior, the reply is read from its reply-to at once, and the behavior it
 * returns handles the next. Deterministic as long as the behavior is: no timers, no asks, no
 * clocks or randomness, no other actors' answers.
 */
final class BehaviorEntity<C, R> implements ReplicatedEntity<C, R> {
  private final String entityId;
  private final BiFunction<String, byte[], Behavior<EntityMessage<C, R>>> factory;
  private BehaviorTestKit<EntityMessage<C, R>> behavior;

  BehaviorEntity(String entityId, BiFunction<String, byte[], Behavior<EntityMessage<C, R>>> factory) {
    this.entityId = entityId;
    this.factory = factory;
    this.behavior = BehaviorTestKit.create(factory.apply(entityId, null));
  }

  @Override
  public R handle(C command) {
    alive();
    TestInbox<R> reply = TestInbox.create();
    behavior.run(new EntityMessage.Command<>(command, reply.getRef()));
    behavior.clearLog();
    if (!behavior.isAlive()) {
      // A stopped behavior has no state to snapshot, and every replica's next snapshot would fail
      // on it: it starts again, as a sharded entity does, and the caller hears why.
      behavior = BehaviorTestKit.create(factory.apply(entityId, null));
      throw new IllegalStateException("entity " + entityId + " stopped while handling "
          + command.getClass().getSimpleName() + ": a behavior entity must not stop; it starts again from its"
          + " initial state");
    }
    if (!reply.hasMessages()) {
      throw new IllegalStateException("entity " + entityId + " handled " + command.getClass().getSimpleName()
          + " without replying: a behavior entity must answer every command on its replyTo before returning");
    }
    return reply.receiveMessage();
  }

  @Override
  public byte[] snapshot() {
    alive();
    TestInbox<byte[]> reply = TestInbox.create();
    behavior.run(new EntityMessage.TakeSnapshot<>(reply.getRef()));
    behavior.clearLog();
    if (!reply.hasMessages()) {
      throw new IllegalStateException("entity " + entityId + " did not answer TakeSnapshot");
    }
    return reply.receiveMessage();
  }

  @Override
  public void restore(byte[] snapshot) {
    behavior = BehaviorTestKit.create(factory.apply(entityId, snapshot));
  }

  private void alive() {
    if (!behavior.isAlive()) {
      throw new IllegalStateException("entity " + entityId + " has stopped: a behavior entity must not stop");
    }
  }
}
