package dev.chora.examples.bank;

import dev.chora.actors.entity.EntityMessage;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The bank as an actor: a typed Pekko {@code Behavior} receiving committed commands in commit
 * order ({@link EntityMessage.Command}) and snapshot requests ({@link EntityMessage.TakeSnapshot}).
 * Declared with {@code EntityType.ofBehavior(BANK, BankBehavior::create)}. Deterministic: it
 * answers from its state alone, with no timers, asks, clocks or randomness.
 */
public final class BankBehavior {
  private BankBehavior() {}

  /** The behavior of bank {@code entityId}, restored from {@code snapshotOrNull} (null: a new, empty bank). */
  public static Behavior<EntityMessage<BankCommand, BankReply>> create(String entityId, byte[] snapshotOrNull) {
    return running(Bank.fromSnapshot(snapshotOrNull));
  }

  private static Behavior<EntityMessage<BankCommand, BankReply>> running(Bank bank) {
    return Behaviors.receiveMessage(message -> {
      if (message instanceof EntityMessage.Command<BankCommand, BankReply> c) {
        c.replyTo().tell(bank.apply(c.command()));
      } else if (message instanceof EntityMessage.TakeSnapshot<BankCommand, BankReply> s) {
        s.replyTo().tell(bank.snapshot());
      }
      return Behaviors.same();
    });
  }
}
