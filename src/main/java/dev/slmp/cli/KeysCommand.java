package dev.slmp.cli;

import dev.slmp.crypto.Bytes;
import dev.slmp.datadir.DataDirectory;
import dev.slmp.handshake.StaticKey;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code keys [--init] [--data DIR]}: prints the server's static public keys, one line per group:
 * {@code group=P-256 key_id=7c13e240 public=04...} (what devices are provisioned with). Only with
 * {@code --init} does it create the data directory (or its missing files); without, a directory
 * that does not hold a node's data is an error naming it, so a mistyped path never yields a second
 * set of keys.
 */
public final class KeysCommand implements Command {
  static final String DATA_ENV = "SLMP_DATA_DIR";
  static final String DEFAULT_DATA = "data";

  @Override
  public String name() {
    return "keys";
  }

  @Override
  public String usage() {
    return "keys [--init] [--data DIR]";
  }

  @Override
  public int run(List<String> args, PrintStream out, PrintStream err) {
    List<String> rest = new ArrayList<>();
    List<String> options = new ArrayList<>(args);
    int end = options.indexOf("--");
    boolean init = options.subList(0, end < 0 ? options.size() : end).remove("--init");
    Path data = dataDir(options, rest);
    if (data == null || !rest.isEmpty()) {
      err.println("usage: " + usage());
      return 2;
    }
    DataDirectory dd;
    try {
      dd = init ? DataDirectory.openOrCreate(data) : DataDirectory.open(data);
    } catch (IOException | RuntimeException e) {
      err.println("error: " + e.getMessage());
      return 1;
    }
    for (StaticKey k : dd.keyRing().keys()) {
      out.println(
          "group="
              + k.group().name()
              + " key_id="
              + k.keyIdHex()
              + " public="
              + Bytes.hex(k.publicKey()));
    }
    return 0;
  }

  /**
   * Takes {@code --data DIR} (or {@code --data=DIR}) out of {@code args} wherever it is, putting
   * the other arguments in {@code rest} ({@code --} ends options). Returns the directory (flag,
   * else {@code $SLMP_DATA_DIR}, else {@code data}), or null for a flag without a value or an
   * unknown option.
   */
  static Path dataDir(List<String> args, List<String> rest) {
    String dir = null;
    boolean options = true;
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (options && a.equals("--")) {
        options = false;
      } else if (options && a.equals("--data")) {
        if (i + 1 >= args.size()) {
          return null;
        }
        dir = args.get(++i);
        if (dir.isEmpty()) {
          return null;
        }
      } else if (options && a.startsWith("--data=")) {
        dir = a.substring("--data=".length());
        if (dir.isEmpty()) {
          return null;
        }
      } else if (options && a.startsWith("-") && a.length() > 1) {
        return null;
      } else {
        rest.add(a);
      }
    }
    if (dir == null) {
      String env = System.getenv(DATA_ENV);
      dir = env != null && !env.isBlank() ? env : DEFAULT_DATA;
    }
    return Path.of(dir);
  }
}
