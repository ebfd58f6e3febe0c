package dev.chora.actors.entity;

import dev.chora.actors.client.ClientGateway;
import dev.chora.runtime.message.ClientReply;
import dev.chora.runtime.message.Request;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;

/**
 * Sends entity commands through this node's {@link ClientGateway}. Exactly-once needs one request
 * outstanding per client id, so the client keeps a pool of sessions (client id and next seq): each
 * command takes one and gives it back when answered. A session whose command timed out is
 * dropped (the command may still apply; a new session never collides with it).
 */
public final class EntityClient {
  private final ActorRef<Object> gateway;
  private final Serialization serialization;
  private final int maxInFlight;
  private final AtomicInteger inFlight = new AtomicInteger();
  /**
   * Idle sessions, most recently answered on top. Last in, first out on purpose: a session's home
   * replica is fixed by its client id, so a command issued as another is answered (a closed loop,
   * a pipeline) reuses that session and goes back to the replica that just answered. With a FIFO
   * queue each batch of replies from one replica sent the next commands to every replica: one
   * network message per replica instead of one.
   */
  private final ConcurrentLinkedDeque<long[]> idle = new ConcurrentLinkedDeque<>();
  private final AtomicLong nextClientId;

  public EntityClient(ActorSystem<?> system, ActorRef<Object> gateway, int maxInFlight) {
    this.gateway = gateway;
    this.serialization = SerializationExtension.get(system);
    this.maxInFlight = maxInFlight;
    // Client ids from a random 63-bit start: nodes and restarts do not reuse each other's ids.
    this.nextClientId = new AtomicLong(ThreadLocalRandom.current().nextLong(1L << 40, Long.MAX_VALUE >> 1));
  }

  public <C, R> EntityRef<C, R> entityRefFor(EntityTypeKey<C, R> key, String entityId) {
    return new EntityRef<>(this, key, entityId);
  }

  <C, R> CompletionStage<R> ask(EntityTypeKey<C, R> key, String entityId, C command, Duration timeout,
      boolean read) {
    if (inFlight.incrementAndGet() > maxInFlight) {
      inFlight.decrementAndGet();
      return CompletableFuture.failedFuture(new RejectedExecutionException(
          maxInFlight + " entity commands are in flight on this node (chora.client.max-in-flight): retry later"));
    }
    byte[] bytes;
    try {
      Serializer s = serialization.findSerializerFor(command);
      bytes = new Envelope(key.name(), entityId, s.identifier(), Serializers.manifestFor(s, command),
          s.toBinary(command)).encode();
    } catch (RuntimeException e) {
      inFlight.decrementAndGet();
      return CompletableFuture.failedFuture(e);
    }
    long[] session = idle.pollFirst();
    if (session == null) {
      session = new long[] {nextClientId.getAndIncrement(), 1};
    }
    long[] used = session;
    CompletableFuture<ClientReply> reply = new CompletableFuture<>();
    gateway.tell(new ClientGateway.Ask(new Request(session[0], session[1], bytes), read,
        System.nanoTime() + timeout.toNanos(), reply));
    CompletableFuture<R> result = new CompletableFuture<>();
    reply.whenComplete((r, error) -> {
      inFlight.decrementAndGet();
      if (error != null) {
        result.completeExceptionally(error instanceof TimeoutException ? error
            : new TimeoutException("no reply for the entity command: " + error));
      } else {
        // Every answered command takes its seq, reads and refusals too (the client table accepts
        // gaps): the gateway may have sent it to two replicas, and a late second answer, matched
        // by client id and seq, must not be taken for the answer to the session's next command.
        used[1]++;
        idle.offerFirst(used);
        if (r.status() == ClientReply.Status.OK) {
          complete(r.result(), result, key.replyClass());
          return;
        }
        result.completeExceptionally(new IllegalArgumentException(
            "the command is larger than chora.protocol.max-request-bytes (" + bytes.length + " bytes encoded)"));
      }
    });
    return result;
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
