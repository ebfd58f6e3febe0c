package dev.chora.transport.launch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway certificate authority for a cluster on this machine (a bench run, a test): it signs
 * one key pair per member, and the trust store every member shares holds only the authority's
 * certificate, so a key pair it did not sign is refused. Everything is made by the running JDK's
 * {@code keytool} in one directory; passwords are random and go to keytool through its
 * environment, never its command line. Not for production keys: docs/transport.md says how to make
 * those.
 */
public final class TlsAuthority {
  private static final String ALIAS = "chora";
  private static final String KEY = "-keyalg EC -groupname secp256r1 -sigalg SHA256withECDSA";
  private static final int VALIDITY_DAYS = 30;

  private final Path directory;
  private final String caPassword;
  private final Path caStore;
  private final TlsStores trust;

  private TlsAuthority(Path directory, String caPassword, Path caStore, TlsStores trust) {
    this.directory = directory;
    this.caPassword = caPassword;
    this.caStore = caStore;
    this.trust = trust;
  }

  /** Makes the authority's key pair and the shared trust store in {@code directory}. */
  public static TlsAuthority create(Path directory) throws IOException, InterruptedException {
    Files.createDirectories(directory);
    String caPassword = password();
    Path caStore = directory.resolve("ca.p12");
    Path caCert = directory.resolve("ca.crt");
    keytool(directory, caPassword, "-genkeypair -alias ca " + KEY + " -dname CN=chora-test-ca -ext bc:c=ca:true"
        + " -ext ku:c=keyCertSign,cRLSign -validity " + VALIDITY_DAYS + " -storetype PKCS12 -keystore {0}"
        + " -storepass:env PW -keypass:env PW", caStore);
    keytool(directory, caPassword, "-exportcert -rfc -alias ca -keystore {0} -storepass:env PW -file {1}", caStore, caCert);
    String trustPassword = password();
    Path trustStore = directory.resolve("truststore.p12");
    keytool(directory, trustPassword, "-importcert -noprompt -alias ca -file {0} -storetype PKCS12 -keystore {1} -storepass:env PW",
        caCert, trustStore);
    writePassword(directory.resolve("truststore.pass"), trustPassword);
    return new TlsAuthority(directory, caPassword, caStore,
        TlsStores.of(directory.resolve("none.p12"), "", trustStore, trustPassword));
  }

  /**
   * A key store for member {@code name} on {@code ip}, signed by this authority: its certificate
   * names {@code ip} as subject alternative name, so hostname verification passes. The password is
   * also in {@code <name>.pass} beside the store (readable by this user only).
   */
  public TlsStores issue(String name, String ip) throws IOException, InterruptedException {
    String pw = password();
    Path store = directory.resolve(name + ".p12");
    Path csr = directory.resolve(name + ".csr");
    Path cert = directory.resolve(name + ".crt");
    keytool(directory, pw, "-genkeypair -alias " + ALIAS + " " + KEY + " -dname CN=" + name + " -validity "
        + VALIDITY_DAYS + " -storetype PKCS12 -keystore {0} -storepass:env PW -keypass:env PW", store);
    keytool(directory, pw, "-certreq -alias " + ALIAS + " -keystore {0} -storepass:env PW -file {1}", store, csr);
    keytool(directory, caPassword, "-gencert -rfc -alias ca -keystore {0} -storepass:env PW -infile {1} -outfile {2} -validity "
        + VALIDITY_DAYS + " -ext san=ip:" + ip + " -ext ku:c=digitalSignature -ext eku=serverAuth,clientAuth",
        caStore, csr, cert);
    // The reply with the authority's certificate after the member's: keytool installs the chain.
    Files.writeString(cert, Files.readString(cert) + Files.readString(directory.resolve("ca.crt")));
    keytool(directory, pw, "-importcert -noprompt -alias " + ALIAS + " -file {0} -keystore {1} -storepass:env PW", cert, store);
    Files.deleteIfExists(csr);
    writePassword(directory.resolve(name + ".pass"), pw);
    return trust.withKeyStore(store, pw);
  }

  /**
   * A self-signed key pair for {@code name} that this authority never signed, with the shared
   * trust store: a member that trusts the cluster but that the cluster must refuse.
   */
  public TlsStores stranger(String name, String ip) throws IOException, InterruptedException {
    String pw = password();
    Path store = directory.resolve(name + ".p12");
    keytool(directory, pw, "-genkeypair -alias " + ALIAS + " " + KEY + " -dname CN=" + name + " -ext san=ip:" + ip
        + " -validity " + VALIDITY_DAYS + " -storetype PKCS12 -keystore {0} -storepass:env PW -keypass:env PW", store);
    return trust.withKeyStore(store, pw);
  }

  /** The shared trust store (and its password), without a key store of its own. */
  public TlsStores trust() {
    return trust;
  }

  /**
   * The file beside {@code store} that holds its password ({@code <name>.pass} for {@code
   * <name>.p12}), for a node file's {@code node.tls.*-password-file}; it exists for the stores this
   * authority made, the stranger's excepted.
   */
  public static Path passwordFile(Path store) {
    String name = store.getFileName().toString();
    return store.resolveSibling(name.substring(0, name.lastIndexOf('.')) + ".pass");
  }

  private static String password() {
    byte[] b = new byte[18];
    new SecureRandom().nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  private static void writePassword(Path file, String password) throws IOException {
    Files.writeString(file, password + "\n", StandardCharsets.UTF_8);
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException notPosix) {
      // the directory is this run's own
    }
  }

  /** Runs keytool with the words of {@code args}, where a word {@code {i}} stands for {@code files[i]}. */
  private static void keytool(Path directory, String password, String args, Path... files)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    for (String word : args.split(" ")) {
      command.add(word.matches("\\{\\d}") ? files[word.charAt(1) - '0'].toString() : word);
    }
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put("PW", password);
    Process p = pb.start();
    p.getOutputStream().close();
    byte[] output = p.getInputStream().readAllBytes();
    if (!p.waitFor(2, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IOException("keytool " + command.get(1) + " did not finish in 2 minutes");
    }
    if (p.exitValue() != 0) {
      throw new IOException("keytool " + String.join(" ", command.subList(1, command.size())) + " failed (exit "
          + p.exitValue() + ") in " + directory + ": " + new String(output, StandardCharsets.UTF_8).trim());
    }
  }
}
