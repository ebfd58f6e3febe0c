package dev.chora.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Unknown keys are named with the nearest valid key, when one is near enough to be a slip. */
class UnknownKeysTest {
  static List<String> messages(String hocon) {
    return UnknownKeys.find(ConfigFactory.parseString(hocon), "s",
            ConfigFactory.parseString("timeout = 1s, max-bytes = 1, inner { port = 1 }, free { a = 1 }").root(),
            Set.of("free"))
        .stream().map(UnknownKeys.Unknown::message).toList();
  }

  @Test
  void aSwapOfTwoLettersIsOneEdit() {
    assertEquals(1, UnknownKeys.distance("timoeut", "timeout"));
    assertEquals(3, UnknownKeys.distance("max-byts", "max-bytes-x"));
    assertEquals(2, UnknownKeys.distance("ab", ""));
    assertEquals(List.of("s.timoeut: no such setting; did you mean s.timeout?"), messages("s.timoeut = 2s"));
  }

  @Test
  void aFarKeyGetsTheSectionsKeysAndAKeyBelowAValueIsRefused() {
    assertEquals(List.of("s.colour: no such setting; s has free, inner, max-bytes, timeout"), messages("s.colour = 2"));
    assertEquals(List.of("s.timeout.x: no such setting; s.timeout takes a value, not settings below it"),
        messages("s.timeout.x = 2"));
    assertEquals(List.of("s.inner.prt: no such setting; did you mean s.inner.port?",
        "s.port: no such setting; did you mean s.inner.port?"), messages("s.inner.prt = 2\ns.port = 3"));
  }

  @Test
  void openSectionsAndKnownKeysPass() {
    assertEquals(List.of(), messages("s.timeout = 2s\ns.free.anything = 1\ns.free.b.c = 2\ns.inner.port = 3"));
    assertEquals(List.of(), messages("other.key = 1"));
  }
}
