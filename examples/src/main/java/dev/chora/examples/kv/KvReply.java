package dev.chora.examples.kv;

/**
 * The reply to every {@link KvCommand}: whether it succeeded (found, swapped) and a value whose
 * meaning {@link KvCommand} documents per command ({@code null} for an absent key).
 */
public record KvReply(boolean ok, String value) {}
