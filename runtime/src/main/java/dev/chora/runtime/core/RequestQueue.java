package dev.chora.runtime.core;

import dev.chora.runtime.message.Batch;
import dev.chora.runtime.message.Request;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/** Client requests waiting for this replica's next proposal; bounded in count and bytes. */
final class RequestQueue {
  private final ArrayDeque<Request> queue = new ArrayDeque<>();
  private final int maxRequests;
  private final long maxBytes;
  private long bytes;

  RequestQueue(int maxRequests, long maxBytes) {
    this.maxRequests = maxRequests;
    this.maxBytes = maxBytes;
  }

  /** Returns false, leaving the queue unchanged, when the request would exceed a bound. */
  boolean offer(Request request) {
    if (queue.size() >= maxRequests || bytes + request.sizeBytes() > maxBytes) {
      return false;
    }
    queue.addLast(request);
    bytes += request.sizeBytes();
    return true;
  }

  /** Takes requests in arrival order up to the batch limits. */
  Batch takeBatch(int maxBatchBytes, int maxBatchRequests) {
    if (queue.isEmpty()) {
      return Batch.EMPTY;
    }
    List<Request> taken = new ArrayList<>(Math.min(queue.size(), maxBatchRequests));
    int batchBytes = 0;
    while (!queue.isEmpty() && taken.size() < maxBatchRequests) {
      Request next = queue.peekFirst();
      if (batchBytes + next.sizeBytes() > maxBatchBytes) {
        break;
      }
      queue.pollFirst();
      bytes -= next.sizeBytes();
      batchBytes += next.sizeBytes();
      taken.add(next);
    }
    return Batch.of(taken);
  }

  boolean isEmpty() { return queue.isEmpty(); }
  int size() { return queue.size(); }
}
