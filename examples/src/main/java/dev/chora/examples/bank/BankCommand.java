package dev.chora.examples.bank;

/** A command to a replicated bank ({@link Bank}): accounts and transfers between them. */
public sealed interface BankCommand
    permits BankCommand.Open, BankCommand.Transfer, BankCommand.GetBalance, BankCommand.GetTotal {

  /** Opens {@code account} with an initial balance (the only command that brings money in). */
  record Open(String account, long initialBalance) implements BankCommand {}

  /**
   * Moves {@code amount} (positive) from one existing account to another; refused, changing
   * nothing, if the source would go negative. Never changes the bank's total.
   */
  record Transfer(String from, String to, long amount) implements BankCommand {}

  /** The balance of one account. */
  record GetBalance(String account) implements BankCommand {}

  /** The sum of every balance, and (in the reply's detail) the number of accounts. */
  record GetTotal() implements BankCommand {}
}
