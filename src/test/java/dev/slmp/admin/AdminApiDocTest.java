package dev.slmp.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/admin-api.yaml and the API agree: every route the API mounts is documented and every
 * documented {@code /api} operation is mounted (vertx-web-openapi-router is not used: the routes
 * are plain vertx-web).
 */
class AdminApiDocTest {
  @Test
  void everyRouteIsDocumentedAndEveryDocumentedRouteExists() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      AdminApi api = new AdminApi(vertx, null, null, null);
      api.mount(Router.router(vertx));
      assertEquals(new TreeSet<>(api.routes), documented(), "docs/admin-api.yaml vs AdminApi");
    } finally {
      vertx.close();
    }
  }

  /** {@code "METHOD /api/…"} for each operation under {@code paths:} (two-space path keys). */
  static TreeSet<String> documented() throws Exception {
    List<String> lines = Files.readAllLines(Path.of("docs", "admin-api.yaml"));
    TreeSet<String> ops = new TreeSet<>();
    Pattern path = Pattern.compile("^  (/[^:]*):\\s*$");
    Pattern op = Pattern.compile("^    (get|post|put|delete|patch):.*$");
    String current = null;
    boolean inPaths = false;
    for (String l : lines) {
      if (l.startsWith("paths:")) {
        inPaths = true;
        continue;
      }
      if (inPaths && !l.isEmpty() && !l.startsWith(" ")) {
        break;
      }
      Matcher p = path.matcher(l);
      if (p.matches()) {
        current = p.group(1);
        continue;
      }
      Matcher o = op.matcher(l);
      if (o.matches() && current != null && current.startsWith("/api/")) {
        ops.add(o.group(1).toUpperCase() + " " + current);
      }
    }
    return ops;
  }

  @Test
  void deviceIdsCannotForgeLogLines() {
    assertEquals("a\\u000ab\\u000dc\\u202ed", AdminApi.printable("a\nb\rc\u202ed"));
    assertEquals("sensor-7 ü", AdminApi.printable("sensor-7 ü"));
  }
}
