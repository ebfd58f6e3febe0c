package dev.chora.examples.fromscala

import java.nio.ByteBuffer

import dev.chora.actors.entity.EntityMessage
import org.apache.pekko.actor.typed.Behavior
import org.apache.pekko.actor.typed.scaladsl.Behaviors

/**
 * A replicated entity written as a typed Behavior with Pekko's scaladsl: it receives each
 * committed command in order with the reply-to its answer goes to, and snapshot requests.
 */
object Tally {
  final case class Increment(by: Int)
  final case class Count(value: Long)

  type Message = EntityMessage[Increment, Count]

  /** The factory `EntityType.ofBehavior` takes: the entity's id and a snapshot, or null when new. */
  def apply(entityId: String, snapshot: Array[Byte]): Behavior[Message] =
    counting(if (snapshot == null) 0L else ByteBuffer.wrap(snapshot).getLong)

  private def counting(count: Long): Behavior[Message] = Behaviors.receiveMessage {
    case command: EntityMessage.Command[Increment, Count] @unchecked =>
      val next = count + command.command.by
      command.replyTo ! Count(next)
      counting(next)
    case snapshot: EntityMessage.TakeSnapshot[Increment, Count] @unchecked =>
      snapshot.replyTo ! ByteBuffer.allocate(8).putLong(count).array()
      Behaviors.same
  }
}
