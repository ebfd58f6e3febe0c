package dev.chora.examples.bank;

import dev.chora.examples.serialization.Codec;
import java.util.Map;
import java.util.TreeMap;

/**
 * The bank's state and rules, deterministic and free of Pekko: shared by the plain entity
 * ({@link BankEntity}) and the actor-based one. Invariant: only {@link BankCommand.Open} changes
 * the total; transfers never do, and no balance goes negative.
 */
public final class Bank {
  private final TreeMap<String, Long> balances = new TreeMap<>();
  private long total;

  public BankReply apply(BankCommand command) {
    if (command instanceof BankCommand.Open o) {
      if (o.account() == null || o.account().isEmpty()) {
        return BankReply.refused("an account needs a name");
      }
      if (o.initialBalance() < 0) {
        return BankReply.refused("a negative initial balance: " + o.initialBalance());
      }
      if (balances.containsKey(o.account())) {
        return BankReply.refused("account " + o.account() + " exists already");
      }
      if (total + o.initialBalance() < total) {
        return BankReply.refused("the bank's total would overflow");
      }
      balances.put(o.account(), o.initialBalance());
      total += o.initialBalance();
      return BankReply.ok(o.initialBalance());
    } else if (command instanceof BankCommand.Transfer t) {
      Long from = balances.get(t.from());
      Long to = balances.get(t.to());
      if (from == null) {
        return BankReply.refused("no account " + t.from());
      }
      if (to == null) {
        return BankReply.refused("no account " + t.to());
      }
      if (t.from().equals(t.to())) {
        return BankReply.refused("a transfer needs two different accounts");
      }
      if (t.amount() <= 0) {
        return BankReply.refused("a transfer needs a positive amount: " + t.amount());
      }
      if (from < t.amount()) {
        return BankReply.refused("insufficient funds in " + t.from() + ": " + from + " < " + t.amount());
      }
      balances.put(t.from(), from - t.amount());
      balances.put(t.to(), to + t.amount());
      return BankReply.ok(from - t.amount());
    } else if (command instanceof BankCommand.GetBalance b) {
      Long balance = balances.get(b.account());
      return balance == null ? BankReply.refused("no account " + b.account()) : BankReply.ok(balance);
    } else if (command instanceof BankCommand.GetTotal) {
      return BankReply.ok(total);
    }
    throw new IllegalArgumentException("not a bank command: " + command);
  }

  public long total() {
    return total;
  }

  public int accounts() {
    return balances.size();
  }

  /** The sum recomputed from the balances (equals {@link #total()} unless the invariant broke). */
  public long sumOfBalances() {
    long sum = 0;
    for (long b : balances.values()) {
      sum += b;
    }
    return sum;
  }

  public byte[] snapshot() {
    Codec.Writer w = new Codec.Writer().intValue(balances.size());
    for (Map.Entry<String, Long> e : balances.entrySet()) {
      w.string(e.getKey()).longValue(e.getValue());
    }
    return w.toBytes();
  }

  public void restore(byte[] snapshot) {
    Codec.Reader r = new Codec.Reader(snapshot);
    TreeMap<String, Long> restored = new TreeMap<>();
    long sum = 0;
    int n = r.count(12);
    for (int i = 0; i < n; i++) {
      String account = r.string();
      long balance = r.longValue();
      restored.put(account, balance);
      sum += balance;
    }
    r.end();
    balances.clear();
    balances.putAll(restored);
    total = sum;
  }

  /** A bank restored from a snapshot, or an empty one for {@code null}. */
  public static Bank fromSnapshot(byte[] snapshotOrNull) {
    Bank bank = new Bank();
    if (snapshotOrNull != null) {
      bank.restore(snapshotOrNull);
    }
    return bank;
  }
}
