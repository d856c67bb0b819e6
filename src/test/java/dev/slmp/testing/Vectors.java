package dev.slmp.testing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Loads the shared test vectors from {@code ../shared/vectors} (or the directory named by the
 * system property {@code slmp.shared.dir}). A missing file fails the test: a loader that silently
 * reads nothing proves nothing.
 */
public final class Vectors {
  private Vectors() {}

  public static Path sharedDir() {
    String dir = System.getProperty("slmp.shared.dir");
    Path p = dir != null ? Paths.get(dir) : Paths.get("..", "shared");
    return p.toAbsolutePath().normalize();
  }

  public static Path path(String relative) {
    Path p = sharedDir().resolve("vectors").resolve(relative);
    if (!Files.isRegularFile(p)) {
      throw new AssertionError(
          "test vector file missing: " + p + " (CI keeps ../shared beside the checkout)");
    }
    return p;
  }

  public static JsonObject object(String relative) {
    try {
      return new JsonObject(Files.readString(path(relative)));
    } catch (IOException e) {
      throw new AssertionError("cannot read " + relative, e);
    }
  }

  public static JsonArray array(String relative) {
    try {
      return new JsonArray(Files.readString(path(relative)));
    } catch (IOException e) {
      throw new AssertionError("cannot read " + relative, e);
    }
  }

  /** Prints how many cases of a file ran, so the build log shows every file was exercised. */
  public static void report(String file, int ran, String detail) {
    System.out.printf(
        "[vectors] %s: %d cases run%s%n",
        file, ran, detail == null || detail.isEmpty() ? "" : " (" + detail + ")");
  }
}
