package dev.chora.examples.bank;

/**
 * The reply to every {@link BankCommand}: ok or refused, a value (the balance after the command,
 * for a transfer the source's balance; for {@link BankCommand.GetTotal} the total) and, when
 * refused, why.
 */
public record BankReply(boolean ok, long value, String error) {
  public static BankReply ok(long value) {
    return new BankReply(true, value, null);
  }

  public static BankReply refused(String error) {
    return new BankReply(false, 0, error);
  }
}
