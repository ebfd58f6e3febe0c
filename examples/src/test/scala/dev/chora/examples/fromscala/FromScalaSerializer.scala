package dev.chora.examples.fromscala

import java.io.NotSerializableException
import java.nio.ByteBuffer
import java.nio.charset.StandardCharsets.UTF_8

import org.apache.pekko.serialization.SerializerWithStringManifest

/**
 * The Pekko serializer a Scala application binds to its commands and replies (Java serialization
 * is off), here for the ledger and the tally. Chora carries whatever bytes it makes.
 */
final class FromScalaSerializer extends SerializerWithStringManifest {
  /** "CHSC"; fixed, and unlike every other serializer of the application. */
  override val identifier: Int = 0x43485343

  override def manifest(o: AnyRef): String = o match {
    case _: Deposit => "deposit"
    case _: Withdraw => "withdraw"
    case _: GetBalance => "balance"
    case _: LedgerReply => "ledger-reply"
    case _: Tally.Increment => "increment"
    case _: Tally.Count => "count"
    case other => throw new IllegalArgumentException(s"FromScalaSerializer cannot serialize ${other.getClass.getName}")
  }

  override def toBinary(o: AnyRef): Array[Byte] = o match {
    case Deposit(account, amount) => accountAndAmount(account, amount)
    case Withdraw(account, amount) => accountAndAmount(account, amount)
    case GetBalance(account) => account.getBytes(UTF_8)
    case LedgerReply(accepted, balance) => ByteBuffer.allocate(9).put((if (accepted) 1 else 0).toByte).putLong(balance).array()
    case Tally.Increment(by) => ByteBuffer.allocate(4).putInt(by).array()
    case Tally.Count(value) => ByteBuffer.allocate(8).putLong(value).array()
    case other => throw new IllegalArgumentException(s"FromScalaSerializer cannot serialize ${other.getClass.getName}")
  }

  override def fromBinary(bytes: Array[Byte], manifest: String): AnyRef = manifest match {
    case "deposit" => val (a, n) = readAccountAndAmount(bytes); Deposit(a, n)
    case "withdraw" => val (a, n) = readAccountAndAmount(bytes); Withdraw(a, n)
    case "balance" => GetBalance(new String(bytes, UTF_8))
    case "ledger-reply" => val in = ByteBuffer.wrap(bytes); LedgerReply(in.get() == 1, in.getLong)
    case "increment" => Tally.Increment(ByteBuffer.wrap(bytes).getInt)
    case "count" => Tally.Count(ByteBuffer.wrap(bytes).getLong)
    case other => throw new NotSerializableException(s"FromScalaSerializer knows no manifest $other")
  }

  private def accountAndAmount(account: String, amount: Long): Array[Byte] = {
    val name = account.getBytes(UTF_8)
    ByteBuffer.allocate(8 + name.length).putLong(amount).put(name).array()
  }

  private def readAccountAndAmount(bytes: Array[Byte]): (String, Long) = {
    val in = ByteBuffer.wrap(bytes)
    val amount = in.getLong
    (new String(bytes, 8, bytes.length - 8, UTF_8), amount)
  }
}
