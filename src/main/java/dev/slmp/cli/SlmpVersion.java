package dev.slmp.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine;

/**
 * {@code --version}: the jar manifest's {@code Implementation-Version}, else the project version
 * Maven wrote into {@code version.properties} (running from classes).
 */
public final class SlmpVersion implements CommandLine.IVersionProvider {
  /** The project version, or {@code unknown}. */
  public static String version() {
    String v = SlmpVersion.class.getPackage().getImplementationVersion();
    if (v != null) {
      return v;
    }
    try (InputStream in = SlmpVersion.class.getResourceAsStream("version.properties")) {
      if (in != null) {
        Properties p = new Properties();
        p.load(in);
        return p.getProperty("version", "unknown");
      }
    } catch (IOException e) {
      // reported as unknown
    }
    return "unknown";
  }

  @Override
  public String[] getVersion() {
    return new String[] {
      "SLMP " + version(),
      "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"
    };
  }
}
