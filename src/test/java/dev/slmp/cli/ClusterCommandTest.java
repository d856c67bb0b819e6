package dev.slmp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slmp.cluster.ClusterCa;
import dev.slmp.cluster.ClusterTls;
import dev.slmp.testkit.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cluster init} and {@code cluster add-node}: the files, their modes, and the refusals. */
class ClusterCommandTest {
  @TempDir Path work;

  private static String mode(Path f) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(f));
  }

  @Test
  void initThenAddNodeWritesACertificateTheCaSigned() throws Exception {
    // GIVEN nothing
    Path ca = work.resolve("ca");
    Path node = work.resolve("node1");
    // WHEN a CA is created and a node added
    CliRun init = CliRun.of(List.of("cluster", "init", "--ca", ca.toString()));
    CliRun add =
        CliRun.of(
            List.of(
                "cluster",
                "add-node",
                "--ca",
                ca.toString(),
                "--data",
                node.toString(),
                "--host",
                "10.0.0.7"));
    // THEN the private keys are mode 600 in mode 700 directories, the CA's key is not in the node's
    // directory, and the node's certificate verifies under the CA's key
    assertEquals(0, init.code(), init.err());
    assertEquals(0, add.code(), add.err());
    assertEquals("rw-------", mode(ca.resolve(ClusterCa.CA_KEY)));
    assertEquals("rwx------", mode(ca));
    assertEquals("rw-------", mode(node.resolve(ClusterCa.NODE_KEY)));
    assertTrue(!Files.exists(node.resolve(ClusterCa.CA_KEY)));
    X509Certificate caCert = ClusterCa.readCert(ca.resolve(ClusterCa.CA_CERT));
    X509Certificate nodeCert = ClusterCa.readCert(node.resolve(ClusterCa.NODE_CERT));
    nodeCert.verify(caCert.getPublicKey());
    assertTrue(nodeCert.getSubjectAlternativeNames().toString().contains("10.0.0.7"));
    assertEquals(
        Files.readString(ca.resolve(ClusterCa.CA_CERT)),
        Files.readString(node.resolve(ClusterCa.NODE_CA)));
    ClusterTls.requireCertificate(node); // what a clustered node checks at start
  }

  @Test
  void refusesToOverwriteAndExplainsWhatIsMissing() throws Exception {
    // GIVEN a CA and a node that has its certificate
    Path ca = work.resolve("ca");
    Path node = work.resolve("node1");
    assertEquals(0, CliRun.of(List.of("cluster", "init", "--ca", ca.toString())).code());
    List<String> add =
        List.of("cluster", "add-node", "--ca", ca.toString(), "--data", node.toString());
    assertEquals(0, CliRun.of(add).code());
    String key = Files.readString(node.resolve(ClusterCa.NODE_KEY));
    // WHEN either is created again, a node is added from a directory without a CA, or the command
    // is given no CA
    CliRun again = CliRun.of(List.of("cluster", "init", "--ca", ca.toString()));
    CliRun twice = CliRun.of(add);
    CliRun noCa =
        CliRun.of(
            List.of(
                "cluster",
                "add-node",
                "--ca",
                work.resolve("none").toString(),
                "--data",
                work.resolve("n2").toString()));
    CliRun usage = CliRun.of(List.of("cluster", "add-node", "--data", node.toString()));
    // THEN each fails with a clear line, and the node's key is unchanged
    assertEquals(1, again.code());
    assertTrue(again.err().contains("exists already"), again.err());
    assertEquals(1, twice.code());
    assertTrue(twice.err().contains("exists already"), twice.err());
    assertEquals(1, noCa.code());
    assertTrue(noCa.err().contains("cluster init --ca"), noCa.err());
    assertEquals(2, usage.code());
    assertEquals(key, Files.readString(node.resolve(ClusterCa.NODE_KEY)));
  }
}
