package dev.chora.runtime.sim.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class KvOpTest {

    @Test
    void rejectsCompletionBeforeInvocation() {
        var e = assertThrows(IllegalArgumentException.class, () -> KvOp.put(1, "x", 1, 10, 9));
        assertTrue(e.getMessage().contains("completedAt"), e.getMessage());
    }

    @Test
    void rejectsNullKey() {
        assertThrows(IllegalArgumentException.class, () -> KvOp.put(1, null, 1, 0, 1));
    }

    @Test
    void rejectsCompletedCasWithoutValidResult() {
        assertThrows(IllegalArgumentException.class,
                () -> new KvOp(1, KvOpType.CAS, "x", 2, 1, 0, 1, true, null));
        assertThrows(IllegalArgumentException.class,
                () -> new KvOp(1, KvOpType.CAS, "x", 2, 1, 0, 1, true, 2L));
    }

    @Test
    void rejectsResultOnIncompleteOp() {
        assertThrows(IllegalArgumentException.class,
                () -> new KvOp(1, KvOpType.GET, "x", 0, 0, 0, 5, false, 3L));
    }

    @Test
    void incompleteOpCompletesAtInfinity() {
        KvOp op = new KvOp(1, KvOpType.PUT, "x", 5, 0, 10, 20, false, null);
        assertEquals(Long.MAX_VALUE, op.completedAt());
        assertEquals(Long.MAX_VALUE, KvOp.unknownCas(1, "x", 1, 2, 3).completedAt());
    }

    @Test
    void completedGetMayReadAbsent() {
        assertNull(KvOp.getAbsent(1, "x", 0, 1).result());
    }

    @Test
    void toStringIsCompact() {
        assertEquals("c2 CAS(x,1->5)=ok [10,20]", KvOp.cas(2, "x", 1, 5, true, 10, 20).toString());
        assertEquals("c1 PUT(x,5) [3,?]", KvOp.unknownPut(1, "x", 5, 3).toString());
        assertEquals("c3 GET(x)=absent [0,1]", KvOp.getAbsent(3, "x", 0, 1).toString());
    }
}
