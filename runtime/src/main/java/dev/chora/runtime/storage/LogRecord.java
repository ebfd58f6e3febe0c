package dev.chora.runtime.storage;

/**
 * One record of the {@link SegmentedLog}: an opaque payload under a strictly increasing index,
 * with a small type tag so that the owner can keep several kinds of record in one log.
 *
 * @param index   at least 1, above every index appended before it (gaps allowed)
 * @param type    0 to 255
 * @param payload the bytes, never changed after the record is made
 */
public record LogRecord(long index, int type, byte[] payload) {}
