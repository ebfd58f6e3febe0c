package dev.chora.examples.serialization;

import dev.chora.examples.bank.BankCommand;
import dev.chora.examples.bank.BankReply;
import dev.chora.examples.counter.Add;
import dev.chora.examples.counter.Total;
import dev.chora.examples.kv.KvCommand;
import dev.chora.examples.kv.KvReply;
import java.io.NotSerializableException;
import org.apache.pekko.serialization.SerializerWithStringManifest;

/**
 * Pekko serializer for the examples' commands and replies (Java serialization is off in Pekko).
 * Bound in the examples' {@code reference.conf}. Its identifier is fixed at {@value #IDENTIFIER}
 * (0x43484558, "CHEX"): every node of a cluster must agree on it, and it must not collide with
 * another serializer of the application (Pekko reserves 0..40; chora-transport uses 0x43484f52).
 * The manifest names the class in a short stable form, so classes may move between packages
 * without breaking the wire format.
 */
public final class ExamplesSerializer extends SerializerWithStringManifest {
  public static final int IDENTIFIER = 0x43484558;

  @Override
  public int identifier() {
    return IDENTIFIER;
  }

  @Override
  public String manifest(Object o) {
    if (o instanceof KvCommand.Put) {
      return "kv.put";
    } else if (o instanceof KvCommand.Get) {
      return "kv.get";
    } else if (o instanceof KvCommand.Delete) {
      return "kv.del";
    } else if (o instanceof KvCommand.CompareAndSet) {
      return "kv.cas";
    } else if (o instanceof KvReply) {
      return "kv.reply";
    } else if (o instanceof BankCommand.Open) {
      return "bank.open";
    } else if (o instanceof BankCommand.Transfer) {
      return "bank.transfer";
    } else if (o instanceof BankCommand.GetBalance) {
      return "bank.balance";
    } else if (o instanceof BankCommand.GetTotal) {
      return "bank.total";
    } else if (o instanceof BankReply) {
      return "bank.reply";
    } else if (o instanceof Add) {
      return "counter.add";
    } else if (o instanceof Total) {
      return "counter.total";
    }
    throw new IllegalArgumentException("ExamplesSerializer cannot serialize " + o.getClass().getName());
  }

  @Override
  public byte[] toBinary(Object o) {
    Codec.Writer w = new Codec.Writer(expectedBytes(o));
    if (o instanceof KvCommand.Put p) {
      w.string(p.key()).string(p.value());
    } else if (o instanceof KvCommand.Get g) {
      w.string(g.key());
    } else if (o instanceof KvCommand.Delete d) {
      w.string(d.key());
    } else if (o instanceof KvCommand.CompareAndSet c) {
      w.string(c.key()).string(c.expected()).string(c.newValue());
    } else if (o instanceof KvReply r) {
      w.bool(r.ok()).string(r.value());
    } else if (o instanceof BankCommand.Open op) {
      w.string(op.account()).longValue(op.initialBalance());
    } else if (o instanceof BankCommand.Transfer t) {
      w.string(t.from()).string(t.to()).longValue(t.amount());
    } else if (o instanceof BankCommand.GetBalance b) {
      w.string(b.account());
    } else if (o instanceof BankCommand.GetTotal) {
      // no fields
    } else if (o instanceof BankReply r) {
      w.bool(r.ok()).longValue(r.value()).string(r.error());
    } else if (o instanceof Add a) {
      w.longValue(a.by());
    } else if (o instanceof Total t) {
      w.longValue(t.value());
    } else {
      throw new IllegalArgumentException("ExamplesSerializer cannot serialize " + o.getClass().getName());
    }
    return w.toBytes();
  }

  /**
   * The encoded size of the hot messages when their strings are ASCII, so their writer is sized
   * exactly (no growth, no final copy); other messages start from a small buffer and grow.
   */
  private static int expectedBytes(Object o) {
    if (o instanceof KvCommand.Put p) {
      return Codec.Writer.stringBytes(p.key()) + Codec.Writer.stringBytes(p.value());
    } else if (o instanceof KvReply r) {
      return 1 + Codec.Writer.stringBytes(r.value());
    }
    return 64;
  }

  @Override
  public Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
    Codec.Reader r = new Codec.Reader(bytes);
    Object result = switch (manifest) {
      case "kv.put" -> new KvCommand.Put(r.string(), r.string());
      case "kv.get" -> new KvCommand.Get(r.string());
      case "kv.del" -> new KvCommand.Delete(r.string());
      case "kv.cas" -> new KvCommand.CompareAndSet(r.string(), r.string(), r.string());
      case "kv.reply" -> new KvReply(r.bool(), r.string());
      case "bank.open" -> new BankCommand.Open(r.string(), r.longValue());
      case "bank.transfer" -> new BankCommand.Transfer(r.string(), r.string(), r.longValue());
      case "bank.balance" -> new BankCommand.GetBalance(r.string());
      case "bank.total" -> new BankCommand.GetTotal();
      case "bank.reply" -> new BankReply(r.bool(), r.longValue(), r.string());
      case "counter.add" -> new Add(r.longValue());
      case "counter.total" -> new Total(r.longValue());
      default -> throw new NotSerializableException("ExamplesSerializer: unknown manifest \"" + manifest + "\"");
    };
    r.end();
    return result;
  }
}
