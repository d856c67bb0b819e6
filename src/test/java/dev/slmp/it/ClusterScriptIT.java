package dev.slmp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 4's acceptance run: {@code scripts/cluster-up.sh 3} forms one cluster of three processes;
 * the independent Python client does a full handshake on node 1, resumes with early data on node 2
 * (ACCEPTED), and the same RESUME replayed to node 3 gets {@code CLOSE(REPLAY)}.
 */
class ClusterScriptIT {

  private static JarProcess.Result bash(Path work, Map<String, String> env, String script)
      throws Exception {
    ProcessBuilder pb = new ProcessBuilder("bash", "-c", script).redirectErrorStream(true);
    pb.environment().putAll(env);
    Path out = Files.createTempFile(work, "sh", ".log");
    pb.redirectOutput(out.toFile());
    Process p = pb.start();
    if (!p.waitFor(180, TimeUnit.SECONDS)) {
      p.destroyForcibly();
    }
    return new JarProcess.Result(
        p.isAlive() ? -1 : p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
  }

  @Test
  void threeScriptedNodesShareSessionsAndRefuseAReplay(@TempDir Path work) throws Exception {
    JarProcess.jar();
    String python = PythonRuntime.find();
    Map<String, String> env =
        Map.of(
            "SLMP_CLUSTER_DIR", work.resolve("cluster").toString(), "PYTHONDONTWRITEBYTECODE", "1");
    String client =
        python
            + " scripts/slmp1_client.py --host 127.0.0.1 --server-key \"$PUB\" --device roamer --device-key \"$KEY\""
            + " --suite 3 --ack --state \"$SLMP_CLUSTER_DIR/roamer.state\"";
    String script =
        String.join(
            "\n",
            "set -u",
            "scripts/cluster-up.sh 3 || exit 90",
            "trap scripts/cluster-down.sh EXIT",
            "KEY=$(java -jar target/slmp-fat.jar device key roamer --data \"$SLMP_CLUSTER_DIR/secrets\")",
            "PUB=$(java -jar target/slmp-fat.jar keys --data \"$SLMP_CLUSTER_DIR/secrets\" | grep X25519 | sed 's/.*public=//')",
            client + " --port 9001 'full on node 1' || exit 91",
            client + " --port 9002 --replay-resume-to 127.0.0.1:9003 'early on node 2' || exit 92",
            // A later message on node 3, where the replay went: once it is printed, anything the
            // replay caused is too.
            client + " --port 9003 'sentinel on node 3' || exit 93",
            "printed() { cat \"$SLMP_CLUSTER_DIR\"/node*.log | grep -c \"Authenticated message from roamer$1\"; }",
            "await_printed() { for i in $(seq 1500); do [ \"$(printed \": $1\")\" -ge 1 ] && return 0; sleep 0.02; done;"
                + " echo \"never printed: $1\"; exit 94; }",
            "await_printed 'full on node 1'; await_printed 'early on node 2'; await_printed 'sentinel on node 3'",
            "echo \"printed: $(printed '')\"");
    JarProcess.Result r = bash(work, env, script);
    String out = r.output();
    assertEquals(0, r.code(), out);
    assertTrue(out.contains("cluster: Members {size:3"), "three nodes formed one cluster:\n" + out);
    assertTrue(out.contains("full handshake"), out);
    assertTrue(out.contains("resumed"), out);
    assertTrue(out.contains("ack seq=1 ACCEPTED early"), "early data on node 2 accepted:\n" + out);
    assertTrue(out.contains("replayed: CLOSE code=7"), "replay on node 3 refused:\n" + out);
    assertTrue(
        out.contains("printed: 3\n"),
        "each message printed once across the cluster, the replay never:\n" + out);
  }
}
