package dev.chora.examples.fromscala

import java.io.{ByteArrayInputStream, ByteArrayOutputStream, DataInputStream, DataOutputStream}

import scala.collection.immutable.TreeMap

import dev.chora.actors.entity.ReplicatedEntity

/** A ledger's commands, as a Scala user writes them: a sealed trait of case classes. */
sealed trait LedgerCommand
final case class Deposit(account: String, amount: Long) extends LedgerCommand
final case class Withdraw(account: String, amount: Long) extends LedgerCommand
/** Sent with `ask` it goes through the log; with `askRead` it is answered by `query`. */
final case class GetBalance(account: String) extends LedgerCommand

final case class LedgerReply(accepted: Boolean, balance: Long)

/**
 * A replicated entity written in Scala against the Java API: a plain deterministic class. The
 * balances live in an immutable sorted map, so the snapshot's bytes are the same on every replica.
 */
final class Ledger extends ReplicatedEntity[LedgerCommand, LedgerReply] {
  private var balances = TreeMap.empty[String, Long]

  override def handle(command: LedgerCommand): LedgerReply = command match {
    case Deposit(account, amount) =>
      require(amount > 0, s"a deposit must be positive, not $amount")
      val balance = balanceOf(account) + amount
      balances = balances.updated(account, balance)
      LedgerReply(accepted = true, balance)
    case Withdraw(account, amount) =>
      val balance = balanceOf(account)
      if (amount > balance) LedgerReply(accepted = false, balance)
      else {
        balances = balances.updated(account, balance - amount)
        LedgerReply(accepted = true, balance - amount)
      }
    case GetBalance(account) => LedgerReply(accepted = true, balanceOf(account))
  }

  override def query(query: LedgerCommand): LedgerReply = query match {
    case GetBalance(account) => LedgerReply(accepted = true, balanceOf(account))
    case other => throw new IllegalArgumentException(s"$other changes the ledger: send it with ask")
  }

  private def balanceOf(account: String): Long = balances.getOrElse(account, 0L)

  override def snapshot(): Array[Byte] = {
    val bytes = new ByteArrayOutputStream()
    val out = new DataOutputStream(bytes)
    out.writeInt(balances.size)
    balances.foreach { case (account, balance) => out.writeUTF(account); out.writeLong(balance) }
    out.flush()
    bytes.toByteArray
  }

  override def restore(snapshot: Array[Byte]): Unit = {
    val in = new DataInputStream(new ByteArrayInputStream(snapshot))
    balances = TreeMap.from(Iterator.fill(in.readInt())(in.readUTF() -> in.readLong()))
  }
}
