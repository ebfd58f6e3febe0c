package dev.chora.actors.entity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.io.NotSerializableException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.SerializerWithStringManifest;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Every way a committed command can fail to decode or apply is answered with a failure reply, and
 * never thrown: a throw would stop the executor, and since every replica applies the same command,
 * every replica would stop. Two hosts fed the same commands stay identical.
 */
class EntityHostFailuresTest {
  static final ActorTestKit KIT = ActorTestKit.create(ConfigFactory.parseString(
      "pekko.actor.serializers.strict = \"" + Strict.class.getName() + "\"\n"
          + "pekko.actor.serialization-bindings { \"" + Strict.Bound.class.getName() + "\" = strict }\n"));
  static final Serialization SERIALIZATION = SerializationExtension.get(KIT.system());
  static final EntityTypeKey<String, String> JOURNAL = EntityTypeKey.create("journal", String.class, String.class);
  static final EntityTypeKey<String, String> ACTOR = EntityTypeKey.create("actor", String.class, String.class);

  @AfterAll
  static void stop() {
    KIT.shutdownTestKit();
  }

  /** A user's serializer of one version: it knows manifest "v1" only, and its decoder fails on "broken". */
  public static final class Strict extends SerializerWithStringManifest {
    static final int ID = 9102;

    /** Bound so that Pekko surely registers the serializer; never serialized here. */
    public record Bound() {}

    @Override
    public int identifier() {
      return ID;
    }

    @Override
    public String manifest(Object o) {
      return "v1";
    }

    @Override
    public byte[] toBinary(Object o) {
      return o.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
      if (manifest.equals("broken")) {
        throw new IllegalArgumentException("truncated input");
      }
      if (!manifest.equals("v1")) {
        throw new NotSerializableException("unknown manifest \"" + manifest + "\"");
      }
      return new String(bytes, StandardCharsets.UTF_8);
    }
  }

  /**
   * Appends each command, then fails as the command asks: the append before the throw stays, as
   * an entity's partial change does, the same on every replica.
   */
  static final class Journal implements ReplicatedEntity<String, String> {
    final List<String> lines = new ArrayList<>();

    @Override
    public String handle(String command) {
      lines.add(command);
      failIfAsked(command);
      return String.join(",", lines);
    }

    @Override
    public String query(String query) {
      failIfAsked(query);
      return String.join(",", lines);
    }

    @Override
    public byte[] snapshot() {
      return String.join(",", lines).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void restore(byte[] snapshot) {
      lines.clear();
      lines.addAll(List.of(new String(snapshot, StandardCharsets.UTF_8).split(",")));
    }
  }

  static void failIfAsked(String command) {
    if (command.equals("checked")) {
      throw EntityHostFailuresTest.<RuntimeException>sneaky(new IOException("the disk is full"));
    }
    if (command.equals("unchecked")) {
      throw new IllegalStateException("a bug in the entity");
    }
  }

  /** Throws a checked exception undeclared, as Scala code, Lombok's @SneakyThrows or Pekko's Try.get do. */
  @SuppressWarnings("unchecked")
  static <T extends Throwable> T sneaky(Throwable t) throws T {
    throw (T) t;
  }

  static EntityHost newHost() {
    return new EntityHost(SERIALIZATION, List.of(
        EntityType.of(JOURNAL, id -> new Journal()),
        EntityType.ofBehavior(ACTOR, (id, snapshot) -> Behaviors.receive((ctx, msg) -> {
          if (msg instanceof EntityMessage.Command<String, String> c) {
            if (c.command().equals("throw")) {
              throw new IllegalStateException("the behavior failed");
            }
            c.replyTo().tell("ok " + c.command());
            if (c.command().equals("stop")) {
              return Behaviors.stopped();
            }
          } else if (msg instanceof EntityMessage.TakeSnapshot<String, String> s) {
            s.replyTo().tell(new byte[0]);
          }
          return Behaviors.same();
        }))));
  }

  static byte[] command(EntityTypeKey<?, ?> type, String entityId, String command) {
    Serializer s = SERIALIZATION.findSerializerFor(command);
    return new Envelope(type.name(), entityId, s.identifier(), Serializers.manifestFor(s, command),
        s.toBinary(command)).encode();
  }

  static String reply(byte[] reply) {
    Envelope e = Envelope.decode(reply);
    assertTrue(!e.isFailure(), "a failure: " + e.manifest());
    return (String) SERIALIZATION.deserialize(e.payload(), e.serializerId(), e.manifest()).get();
  }

  static String failure(byte[] reply) {
    Envelope e = Envelope.decode(reply);
    assertTrue(e.isFailure(), "not a failure");
    assertEquals(e.manifest().contains("could not be decoded"), e.isNotDecoded(), "the kind of " + e.manifest());
    return e.manifest();
  }

  static void assertMentions(String text, String... parts) {
    for (String p : parts) {
      assertTrue(text.contains(p), "\"" + p + "\" missing from: " + text);
    }
  }

  @Test
  void aSerializerIdTheReplicaDoesNotHaveIsAnsweredAndCreatesNoEntity() {
    EntityHost host = newHost();
    byte[] before = host.snapshot();
    String why = failure(host.apply(new Envelope("journal", "j", 424242, "x", new byte[] {1}).encode()));
    assertMentions(why, "entity type \"journal\"", "could not be decoded", "424242");
    assertArrayEquals(before, host.snapshot(), "no entity is created for a command it never saw");
  }

  @Test
  void aManifestTheReplicasSerializerDoesNotKnowIsAnsweredNamingIt() {
    EntityHost host = newHost();
    String why = failure(host.apply(new Envelope("journal", "j", Strict.ID, "v2", new byte[] {1}).encode()));
    assertMentions(why, "entity type \"journal\"", "could not be decoded", "\"v2\"", String.valueOf(Strict.ID),
        "newer than the replicas");
    assertEquals("a", reply(host.apply(command(JOURNAL, "j", "a"))), "the host goes on");
  }

  @Test
  void aDecoderThatThrowsIsAnswered() {
    EntityHost host = newHost();
    String why = failure(host.apply(new Envelope("journal", "j", Strict.ID, "broken", new byte[] {1}).encode()));
    assertMentions(why, "could not be decoded", "truncated input");
  }

  @Test
  void anEntityThatThrowsACheckedExceptionIsAnsweredAndKeepsWhatItChanged() {
    EntityHost host = newHost();
    String why = failure(host.apply(command(JOURNAL, "j", "checked")));
    assertMentions(why, "entity type \"journal\"", "IOException", "the disk is full");
    assertEquals("checked,next", reply(host.apply(command(JOURNAL, "j", "next"))));
  }

  @Test
  void anEntityThatThrowsAnUncheckedExceptionIsAnswered() {
    EntityHost host = newHost();
    String why = failure(host.apply(command(JOURNAL, "j", "unchecked")));
    assertMentions(why, "entity type \"journal\"", "IllegalStateException", "a bug in the entity");
  }

  @Test
  void aBehaviorEntityThatFailsIsAnsweredAndGoesOn() {
    EntityHost host = newHost();
    String why = failure(host.apply(command(ACTOR, "a", "throw")));
    assertMentions(why, "entity type \"actor\"", "the behavior failed");
    assertEquals("ok next", reply(host.apply(command(ACTOR, "a", "next"))));
  }

  /** A stopped behavior could not be snapshotted, and every replica's next snapshot would fail. */
  @Test
  void aBehaviorEntityThatStopsIsAnsweredAndStartsAgain() {
    EntityHost host = newHost();
    String why = failure(host.apply(command(ACTOR, "a", "stop")));
    assertMentions(why, "entity type \"actor\"", "must not stop");
    host.snapshot();
    assertEquals("ok next", reply(host.apply(command(ACTOR, "a", "next"))));
  }

  @Test
  void aReadThatThrowsACheckedExceptionIsAnswered() {
    EntityHost host = newHost();
    String why = failure(host.query(command(JOURNAL, "j", "checked")));
    assertMentions(why, "IOException", "the disk is full");
    String undecodable = failure(host.query(new Envelope("journal", "j", Strict.ID, "v2", new byte[0]).encode()));
    assertMentions(undecodable, "could not be decoded", "\"v2\"");
  }

  /** What every replica does with the same commands: the same replies, the same state. */
  @Test
  void twoHostsFedTheSameFailingCommandsStayIdentical() {
    EntityHost a = newHost();
    EntityHost b = newHost();
    List<byte[]> commands = List.of(command(JOURNAL, "j", "one"), command(JOURNAL, "j", "checked"),
        new Envelope("journal", "k", Strict.ID, "v2", new byte[] {1}).encode(), command(JOURNAL, "j", "unchecked"),
        command(ACTOR, "a", "throw"), command(ACTOR, "a", "stop"), command(JOURNAL, "j", "two"));
    for (byte[] c : commands) {
      assertArrayEquals(a.apply(c), b.apply(c));
    }
    assertArrayEquals(a.snapshot(), b.snapshot());
  }
}
