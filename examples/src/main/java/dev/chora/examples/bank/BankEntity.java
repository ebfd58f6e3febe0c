package dev.chora.examples.bank;

import dev.chora.actors.entity.ReplicatedEntity;

/** The bank as a plain replicated entity. */
public final class BankEntity implements ReplicatedEntity<BankCommand, BankReply> {
  private final Bank bank = new Bank();

  @Override
  public BankReply handle(BankCommand command) {
    return bank.apply(command);
  }

  @Override
  public byte[] snapshot() {
    return bank.snapshot();
  }

  @Override
  public void restore(byte[] snapshot) {
    bank.restore(snapshot);
  }
}
