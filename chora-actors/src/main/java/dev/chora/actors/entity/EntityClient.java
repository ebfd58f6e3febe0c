package dev.chora.actors.entity;

import dev.chora.actors.ReplicaActor;
import dev.chora.runtime.message.ClientReply;
import dev.chora.runtime.message.Request;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;

/**
 * Sends entity commands to this node's replica. Exactly-once needs one request outstanding per
 * client id, so the client keeps a pool of sessions (client id and next seq): each command takes
 * one, retries with the same seq on refusals, and gives it back when answered. A session whose
 * command timed out is dropped (the command may still apply; a new session never collides).
 */
public final class EntityClient {
  private static final Duration RETRY_PAUSE = Duration.ofMillis(10);

  private final ActorSystem<?> system;
  private final ActorRef<Object> replica;
  private final Serialization serialization;
  private final int maxInFlight;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final ConcurrentLinkedQueue<long[]> idle = new ConcurrentLinkedQueue<>();
  private final AtomicLong nextClientId;

  public EntityClient(ActorSystem<?> system, ActorRef<Object> replica, int maxInFlight) {
    this.system = system;
    this.replica = replica;
    this.serialization = SerializationExtension.get(system);
    this.maxInFlight = maxInFlight;
    // Client ids from a random 63-bit start: nodes and restarts do not reuse each other's ids.
    this.nextClientId = new AtomicLong(ThreadLocalRandom.current().nextLong(1L << 40, Long.MAX_VALUE >> 1));
  }

  public <C, R> EntityRef<C, R> entityRefFor(EntityTypeKey<C, R> key, String entityId) {
    return new EntityRef<>(this, key, entityId);
  }

  <C, R> CompletionStage<R> ask(EntityTypeKey<C, R> key, String entityId, C command, Duration timeout) {
    if (inFlight.incrementAndGet() > maxInFlight) {
      inFlight.decrementAndGet();
      return CompletableFuture.failedFuture(new RejectedExecutionException(
          maxInFlight + " entity commands are in flight on this node (chora.client.max-in-flight): retry later"));
    }
    byte[] bytes;
    try {
      org.apache.pekko.serialization.Serializer s = serialization.findSerializerFor(command);
      bytes = new Envelope(key.name(), entityId, s.identifier(),
          org.apache.pekko.serialization.Serializers.manifestFor(s, command), s.toBinary(command)).encode();
    } catch (RuntimeException e) {
      inFlight.decrementAndGet();
      return CompletableFuture.failedFuture(e);
    }
    long[] session = idle.poll();
    if (session == null) {
      session = new long[] {nextClientId.getAndIncrement(), 1};
    }
    Request request = new Request(session[0], session[1], bytes);
    long deadline = System.nanoTime() + timeout.toNanos();
    CompletableFuture<R> result = new CompletableFuture<>();
    long[] used = session;
    attempt(request, deadline, result, key.replyClass(), used);
    return result.whenComplete((r, e) -> inFlight.decrementAndGet());
  }

  private <R> void attempt(Request request, long deadline, CompletableFuture<R> result, Class<R> replyClass,
      long[] session) {
    long left = deadline - System.nanoTime();
    if (left <= 0) {
      result.completeExceptionally(new TimeoutException("no reply for the entity command in time; it may still apply"));
      return;
    }
    AskPattern.<Object, ClientReply>ask(replica, replyTo -> new ReplicaActor.Submit(request, replyTo),
        Duration.ofNanos(left), system.scheduler()).whenComplete((reply, error) -> {
          if (error != null) {
            result.completeExceptionally(new TimeoutException("no reply for the entity command in time; it may still apply"));
          } else if (reply.status() == ClientReply.Status.OK) {
            session[1]++;
            idle.offer(session);
            complete(reply.result(), result, replyClass);
          } else if (reply.status() == ClientReply.Status.REQUEST_TOO_LARGE) {
            result.completeExceptionally(new IllegalArgumentException(
                "the command is larger than chora.protocol.max-request-bytes"));
          } else {
            // Refused for now (overloaded, view change, not in the active set): the same seq again.
            system.scheduler().scheduleOnce(RETRY_PAUSE, () -> attempt(request, deadline, result, replyClass, session),
                system.executionContext());
          }
        });
  }

  private <R> void complete(byte[] replyBytes, CompletableFuture<R> result, Class<R> replyClass) {
    try {
      Envelope reply = Envelope.decode(replyBytes);
      if (reply.isFailure()) {
        result.completeExceptionally(new EntityCommandFailedException(reply.manifest()));
        return;
      }
      Object value = serialization.deserialize(reply.payload(), reply.serializerId(), reply.manifest()).get();
      result.complete(replyClass.cast(value));
    } catch (RuntimeException e) {
      result.completeExceptionally(e);
    }
  }
}
