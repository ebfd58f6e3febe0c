package dev.chora.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.fail;

import dev.chora.runtime.message.Batch;
import dev.chora.runtime.message.Request;
import java.lang.reflect.RecordComponent;
import java.util.List;

/**
 * Field-by-field equality for decoded messages: records compare arrays by identity, so their
 * equals says nothing here. Walks record components, arrays and lists; reports the failing path.
 */
final class DeepAssert {
  private DeepAssert() {}

  static void assertDeepEquals(Object expected, Object actual) {
    deep("message", expected, actual);
  }

  private static void deep(String path, Object e, Object a) {
    if (e == null) {
      assertNull(a, path);
      return;
    }
    assertNotNull(a, path);
    if (e instanceof List<?> el) {
      // Lists are compared as lists: List.of and List.copyOf pick different implementation classes.
      List<?> al = assertInstance(path, List.class, a);
      assertEquals(el.size(), al.size(), path + ".size");
      for (int i = 0; i < el.size(); i++) {
        deep(path + "[" + i + "]", el.get(i), al.get(i));
      }
      return;
    }
    assertEquals(e.getClass(), a.getClass(), path + " class");
    if (e.getClass().isRecord()) {
      for (RecordComponent c : e.getClass().getRecordComponents()) {
        deep(path + "." + c.getName(), get(c, e), get(c, a));
      }
    } else if (e instanceof long[] ea) {
      assertArrayEquals(ea, (long[]) a, path);
    } else if (e instanceof byte[] ea) {
      assertArrayEquals(ea, (byte[]) a, path);
    } else if (e instanceof Object[] ea) {
      Object[] aa = (Object[]) a;
      assertEquals(ea.length, aa.length, path + ".length");
      for (int i = 0; i < ea.length; i++) {
        deep(path + "[" + i + "]", ea[i], aa[i]);
      }
    } else if (e instanceof Batch eb) {
      deep(path + ".requests", eb.requests(), ((Batch) a).requests());
      assertEquals(eb.sizeBytes(), ((Batch) a).sizeBytes(), path + ".sizeBytes");
    } else if (e instanceof Request er) {
      Request ar = (Request) a;
      assertEquals(er.clientId(), ar.clientId(), path + ".clientId");
      assertEquals(er.seq(), ar.seq(), path + ".seq");
      assertArrayEquals(er.command(), ar.command(), path + ".command");
    } else if (e instanceof Number || e instanceof Enum<?> || e instanceof Boolean || e instanceof String) {
      assertEquals(e, a, path);
    } else {
      fail(path + ": DeepAssert does not know " + e.getClass().getName());
    }
  }

  private static <T> T assertInstance(String path, Class<T> type, Object a) {
    if (!type.isInstance(a)) {
      fail(path + ": expected a " + type.getSimpleName() + " but got " + a.getClass().getName());
    }
    return type.cast(a);
  }

  private static Object get(RecordComponent c, Object record) {
    try {
      return c.getAccessor().invoke(record);
    } catch (ReflectiveOperationException ex) {
      throw new AssertionError(ex);
    }
  }
}
