package dev.chora.runtime.storage;

/**
 * A state-machine snapshot as stored: the state after applying everything up to {@code index}.
 *
 * @param index the last log index the state includes
 * @param state the state machine's snapshot bytes
 */
public record Snapshot(long index, byte[] state) {}
