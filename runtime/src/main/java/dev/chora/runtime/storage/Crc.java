package dev.chora.runtime.storage;

import java.util.zip.CRC32C;

/**
 * CRC32C, the checksum of every record, header and stored file: computed in hardware on x86 and
 * ARM, and it detects every burst error up to 32 bits, which covers the single bit flips and
 * torn sectors it is here for. It is not a defence against a deliberate forger.
 */
final class Crc {
  private Crc() {}

  static int of(byte[] bytes, int off, int len) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, off, len);
    return (int) crc.getValue();
  }
}
