package dev.slmp.cli;

import dev.slmp.crypto.Bytes;
import dev.slmp.datadir.DataDirectory;
import dev.slmp.datadir.DeviceRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code device key ID | add ID | revoke ID | reinstate ID | list [--data DIR]}: device credentials
 * (spec 4). {@code key} and {@code add} print a secret on stdout, alone on its line, so scripts can
 * capture it. The data directory must exist and hold a node's data (exit 1 naming it otherwise);
 * only {@code keys --init} or a node's first start create one.
 */
public final class DeviceCommand implements Command {
  @Override
  public String name() {
    return "device";
  }

  @Override
  public String usage() {
    return "device key ID | add ID | revoke ID | reinstate ID | list [--data DIR]";
  }

  @Override
  public int run(List<String> args, PrintStream out, PrintStream err) {
    List<String> rest = new ArrayList<>();
    Path data = KeysCommand.dataDir(args, rest);
    if (data == null || rest.isEmpty()) {
      return usage(err);
    }
    String sub = rest.remove(0);
    int arity =
        switch (sub) {
          case "key", "add", "revoke", "reinstate" -> 1;
          case "list" -> 0;
          default -> -1;
        };
    if (rest.size() != arity) {
      return usage(err);
    }
    String id = arity == 1 ? rest.get(0) : null;
    try {
      if (id != null) {
        DeviceRegistry.validateId(id);
      }
      // Never creates: a mistyped --data must not become a new directory with a new master secret.
      DeviceRegistry registry = DataDirectory.open(data).registry();
      switch (sub) {
        case "key" -> {
          // The key the server accepts: the registered one if any, else the master-secret
          // derivation.
          out.println(Bytes.hex(registry.deviceKey(id)));
          if (registry.isRevoked(id)) {
            err.println("warning: device " + id + " is revoked");
          }
        }
        case "add" -> out.println(registry.add(id));
        case "revoke" -> {
          registry.revoke(id);
          out.println("revoked " + id);
        }
        case "reinstate" -> {
          registry.reinstate(id);
          out.println("reinstated " + id);
        }
        default -> {
          for (DeviceRegistry.Entry e : registry.list()) {
            out.println(
                e.id() + (e.registered() ? " registered" : "") + (e.revoked() ? " revoked" : ""));
          }
        }
      }
      return 0;
    } catch (IOException | RuntimeException e) {
      err.println("error: " + e.getMessage());
      return 1;
    }
  }

  private int usage(PrintStream err) {
    err.println("usage: " + usage());
    return 2;
  }
}
