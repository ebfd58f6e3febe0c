package dev.chora.examples.fromscala

import java.time.{Duration => JDuration}

import scala.collection.mutable
import scala.concurrent.{Await, ExecutionContext, Future}
import scala.concurrent.duration._
import scala.jdk.FutureConverters._
import scala.util.Try

import com.typesafe.config.{Config, ConfigFactory}
import dev.chora.actors.Chora
import dev.chora.actors.entity.{EntityCommandFailedException, EntityType, EntityTypeKey}
import dev.chora.transport.launch.ArteryTransport
import org.apache.pekko.actor.typed.ActorSystem
import org.apache.pekko.actor.typed.scaladsl.Behaviors
import org.apache.pekko.cluster.MemberStatus
import org.apache.pekko.cluster.typed.Cluster
import org.junit.jupiter.api.Assertions.{assertEquals, assertTrue, fail}
import org.junit.jupiter.api.{AfterEach, Test}

/**
 * The Java-first API used from Scala, as a Scala application would: entities written in Scala (a
 * plain class, and a typed Behavior with the scaladsl), a serializer written in Scala, three
 * replica actor systems and a client node configured in HOCON, asks turned into Scala futures.
 * It compiles only if the API takes what Scala infers, and passes only if the entities replicate.
 */
class ScalaApiTest {
  import ScalaApiTest._

  private val systems = mutable.Buffer.empty[ActorSystem[Nothing]]
  private implicit val ec: ExecutionContext = ExecutionContext.global

  @AfterEach
  def stop(): Unit = {
    systems.foreach(_.terminate())
    systems.foreach(s => Await.ready(s.whenTerminated, 30.seconds))
  }

  @Test
  def entitiesWrittenInScalaReplicateThroughTheJavaApi(): Unit = {
    val ports = Seq.fill(3)(ArteryTransport.freePort())
    val replicas = ports.map(p => s"pekko://$SystemName@127.0.0.1:$p")
    for ((port, id) <- ports.zipWithIndex) {
      val system = ActorSystem[Nothing](Behaviors.empty, SystemName, nodeConfig(port, id, replicas))
      systems += system
      // The list Scala infers for two entity types of different commands is taken as it is.
      Chora.get(system).startReplica(java.util.List.of(
        EntityType.of(LedgerKey, (_: String) => new Ledger),
        EntityType.ofBehavior(TallyKey, (id: String, snapshot: Array[Byte]) => Tally(id, snapshot))))
    }
    val client = ActorSystem[Nothing](Behaviors.empty, SystemName, nodeConfig(ArteryTransport.freePort(), -1, replicas))
    systems += client
    val chora = Chora.get(client)
    awaitUpAndNormal(client, chora)

    val timeout = JDuration.ofSeconds(20)
    val ledger = chora.entityRefFor(LedgerKey, "ledger-1")
    def ask(command: LedgerCommand): Future[LedgerReply] = ledger.ask(command, timeout).asScala

    // Fifty deposits at once: each is applied exactly once, one after another.
    val deposits = await(Future.sequence((1 to 50).map(n => ask(Deposit("alice", n)))))
    assertEquals(50, deposits.map(_.balance).distinct.size, s"every deposit saw a different balance: $deposits")
    assertEquals(1275L, deposits.map(_.balance).max)
    assertEquals(LedgerReply(accepted = false, 1275), await(ask(Withdraw("alice", 2000))))
    assertEquals(LedgerReply(accepted = true, 275), await(ask(Withdraw("alice", 1000))))
    assertEquals(LedgerReply(accepted = true, 275), await(ledger.askRead(GetBalance("alice"), timeout).asScala))

    // An entity that throws fails the future, on every replica alike, and changes nothing.
    val refused = Try(await(ask(Deposit("alice", -5)))).failed.get
    assertTrue(refused.isInstanceOf[EntityCommandFailedException], s"not the entity's failure: $refused")
    assertTrue(refused.getMessage.contains("a deposit must be positive"), refused.getMessage)
    assertEquals(LedgerReply(accepted = true, 275), await(ask(GetBalance("alice"))))

    val tally = chora.entityRefFor(TallyKey, "tally-1")
    val counts = await(Future.sequence((1 to 30).map(_ => tally.ask(Tally.Increment(2), timeout).asScala)))
    assertEquals((1 to 30).map(_ * 2L).toSet, counts.map(_.value).toSet)

    awaitEqualDigests(chora)
  }

  private def awaitUpAndNormal(client: ActorSystem[Nothing], chora: Chora): Unit = {
    val deadline = 60.seconds.fromNow
    while (Cluster(client).selfMember.status != MemberStatus.Up) {
      if (deadline.isOverdue()) fail("the client node did not join the cluster within 60 s")
      Thread.sleep(50)
    }
    def allNormal: Boolean = (0 until 3).forall { id =>
      Try(await(chora.replicaStatus(id).asScala)).toOption.exists(_.view.isNormal)
    }
    while (!allNormal) {
      if (deadline.isOverdue()) fail("the replicas were not all NORMAL within 60 s")
      Thread.sleep(100)
    }
  }

  /** Replicas that executed the same rounds hold the same digest; they get there within seconds. */
  private def awaitEqualDigests(chora: Chora): Unit = {
    val deadline = 30.seconds.fromNow
    var digests = Seq.empty[String]
    while ({
      digests = (0 until 3).map(id => await(chora.stateDigest(id).asScala).sha256)
      digests.distinct.size != 1
    }) {
      if (deadline.isOverdue()) fail(s"the replicas' state digests still differ: $digests")
      Thread.sleep(100)
    }
  }
}

object ScalaApiTest {
  val SystemName = "scala"

  val LedgerKey: EntityTypeKey[LedgerCommand, LedgerReply] =
    EntityTypeKey.create("ledger", classOf[LedgerCommand], classOf[LedgerReply])
  val TallyKey: EntityTypeKey[Tally.Increment, Tally.Count] =
    EntityTypeKey.create("tally", classOf[Tally.Increment], classOf[Tally.Count])

  private def await[T](future: Future[T]): T = Await.result(future, 60.seconds)

  /** A node's configuration, in HOCON as an application writes it (replica id -1: no replica). */
  def nodeConfig(port: Int, replicaId: Int, replicas: Seq[String]): Config = ConfigFactory.parseString(
    s"""pekko.actor.provider = cluster
       |pekko.remote.artery.transport = tcp
       |pekko.remote.artery.canonical.hostname = "127.0.0.1"
       |pekko.remote.artery.canonical.port = $port
       |pekko.cluster.seed-nodes = ["${replicas.head}"]
       |pekko.cluster.roles = [${if (replicaId >= 0) "\"chora-replica\"" else ""}]
       |pekko.cluster.downing-provider-class = "org.apache.pekko.cluster.sbr.SplitBrainResolverProvider"
       |pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
       |pekko.cluster.log-info = off
       |pekko.actor.allow-java-serialization = off
       |pekko.actor.serializers.from-scala = "dev.chora.examples.fromscala.FromScalaSerializer"
       |pekko.actor.serialization-bindings {
       |  "dev.chora.examples.fromscala.LedgerCommand" = from-scala
       |  "dev.chora.examples.fromscala.LedgerReply" = from-scala
       |  "dev.chora.examples.fromscala.Tally$$Increment" = from-scala
       |  "dev.chora.examples.fromscala.Tally$$Count" = from-scala
       |}
       |chora.replica-id = $replicaId
       |chora.replicas = [${replicas.map(r => "\"" + r + "\"").mkString(", ")}]
       |chora.protocol.round-timeout = 20ms
       |chora.protocol.view-change-timeout = 200ms
       |# What this tests is the API; durable mode would put data directories in the working directory.
       |chora.storage.mode = memory
       |""".stripMargin)
}
