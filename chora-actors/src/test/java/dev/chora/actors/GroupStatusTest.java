package dev.chora.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The group as one node's answers show it: its view, who did not answer, each replica's lag. */
class GroupStatusTest {
  static final List<String> ADDRESSES = List.of("pekko://chora@h:1", "pekko://chora@h:2", "pekko://chora@h:3");

  static ReplicaStatus status(int id, ReplicaStatus.State state, long view, int active, long executed) {
    return new ReplicaStatus(id, new ReplicaStatus.View(state, view, active),
        new ReplicaStatus.Progress(executed + 2, executed + 1, executed, 0), new ReplicaStatus.Rounds(0, 0, 0, 5, 0, 0),
        new ReplicaStatus.Requests(0, 0, 0), new ReplicaStatus.ViewChanges(0, 0, 0, 0, 0, 0), new ReplicaStatus.Refused(0, 0), false, 0);
  }

  @Test
  void theNewestNormalViewIsTheGroupsAndSilentReplicasAreListed() {
    GroupStatus g = GroupStatus.of(ADDRESSES, Arrays.asList(
        status(0, ReplicaStatus.State.NORMAL, 4, 0b011, 100),
        null,
        // Changing to a later view that has not completed: not yet the group's.
        status(2, ReplicaStatus.State.VIEW_CHANGE, 5, 0b111, 90)), Duration.ofSeconds(2));
    assertFalse(g.complete());
    assertEquals(List.of(1), g.unanswered());
    assertEquals(new ReplicaStatus.View(ReplicaStatus.State.NORMAL, 4, 0b011), g.view().orElseThrow());
    assertEquals(Optional.of(0L), g.lag(0));
    assertEquals(Optional.of(10L), g.lag(2));
    assertEquals(Optional.empty(), g.lag(1));
    assertEquals(Optional.empty(), g.replica(1));
  }

  @Test
  void withoutANormalReplicaTheNewestViewStandsAndWithoutAnswersNone() {
    GroupStatus changing = GroupStatus.of(ADDRESSES, Arrays.asList(
        status(0, ReplicaStatus.State.VIEW_CHANGE, 6, 0b111, 1), status(1, ReplicaStatus.State.VIEW_CHANGE, 7, 0b110, 1),
        status(2, ReplicaStatus.State.RECOVERING, 3, 0b111, 0)), Duration.ofMillis(5));
    assertTrue(changing.complete());
    assertEquals(7, changing.view().orElseThrow().number());
    GroupStatus silent = GroupStatus.of(ADDRESSES, Arrays.asList(null, null, null), Duration.ofSeconds(1));
    assertEquals(Optional.empty(), silent.view());
    assertEquals(List.of(0, 1, 2), silent.unanswered());
  }
}
