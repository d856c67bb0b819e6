package dev.slmp.cli;

import dev.slmp.crypto.Bytes;
import dev.slmp.datadir.DataDirectory;
import dev.slmp.datadir.DeviceRegistry;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code device key ID | add ID | revoke ID | reinstate ID | list [--data DIR]}: device credentials
 * (spec 4). {@code key} and {@code add} print a secret on stdout, alone on its line, so scripts can
 * capture it. The data directory must exist and hold a node's data (exit 1 naming it otherwise);
 * only {@code keys --init} or a node's first start create one.
 */
@CommandLine.Command(
    name = "device",
    mixinStandardHelpOptions = true,
    versionProvider = SlmpVersion.class,
    synopsisSubcommandLabel = "(key | add | revoke | reinstate | list)",
    description = {
      "Device credentials in a node's data directory (spec 4). It must exist and hold a node's"
          + " data: only 'keys --init' or a node's first start create one."
    },
    subcommands = {
      DeviceCommand.Key.class,
      DeviceCommand.Add.class,
      DeviceCommand.Revoke.class,
      DeviceCommand.Reinstate.class,
      DeviceCommand.ListDevices.class
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:done",
      "1:no node data in the directory, an invalid ID, or the change is not possible",
      "2:usage error"
    })
public final class DeviceCommand {

  /** One registry operation on one data directory. */
  abstract static class Op extends Command {
    @Mixin DataDirOption data;

    @Override
    public Integer call() {
      Path dir = data.path();
      try {
        // Never creates: a mistyped --data must not become a new directory with a new master
        // secret.
        run(DataDirectory.open(dir).registry());
        return 0;
      } catch (IOException | RuntimeException e) {
        err.println("error: " + e.getMessage());
        return 1;
      }
    }

    abstract void run(DeviceRegistry registry) throws IOException;
  }

  /** An operation on one device. */
  abstract static class OnDevice extends Op {
    @Parameters(paramLabel = "ID", description = "the device id (UTF-8, 1 to 64 bytes)")
    String id;

    @Override
    void run(DeviceRegistry registry) throws IOException {
      DeviceRegistry.validateId(id);
      run(registry, id);
    }

    abstract void run(DeviceRegistry registry, String id) throws IOException;
  }

  @CommandLine.Command(
      name = "key",
      mixinStandardHelpOptions = true,
      versionProvider = SlmpVersion.class,
      description = {
        "Prints the key the server accepts for ID (64 hex digits, alone on its line): the"
            + " registered one if any, else the one derived from the node's master secret."
      })
  static final class Key extends OnDevice {
    @Override
    void run(DeviceRegistry registry, String id) throws IOException {
      out.println(Bytes.hex(registry.deviceKey(id)));
      if (registry.isRevoked(id)) {
        err.println("warning: device " + id + " is revoked");
      }
    }
  }

  @CommandLine.Command(
      name = "add",
      mixinStandardHelpOptions = true,
      versionProvider = SlmpVersion.class,
      description = {"Registers ID with a new random key and prints it (once, alone on its line)."})
  static final class Add extends OnDevice {
    @Override
    void run(DeviceRegistry registry, String id) throws IOException {
      out.println(registry.add(id));
    }
  }

  @CommandLine.Command(
      name = "revoke",
      mixinStandardHelpOptions = true,
      versionProvider = SlmpVersion.class,
      description = {"Revokes ID: the node refuses its handshakes and resumptions."})
  static final class Revoke extends OnDevice {
    @Override
    void run(DeviceRegistry registry, String id) throws IOException {
      registry.revoke(id);
      out.println("revoked " + id);
    }
  }

  @CommandLine.Command(
      name = "reinstate",
      mixinStandardHelpOptions = true,
      versionProvider = SlmpVersion.class,
      description = {"Lifts the revocation of ID."})
  static final class Reinstate extends OnDevice {
    @Override
    void run(DeviceRegistry registry, String id) throws IOException {
      registry.reinstate(id);
      out.println("reinstated " + id);
    }
  }

  @CommandLine.Command(
      name = "list",
      mixinStandardHelpOptions = true,
      versionProvider = SlmpVersion.class,
      description = {
        "Lists the devices the registry knows: 'ID [registered] [revoked]', one per line."
      })
  static final class ListDevices extends Op {
    @Override
    void run(DeviceRegistry registry) {
      for (DeviceRegistry.Entry e : registry.list()) {
        out.println(
            e.id() + (e.registered() ? " registered" : "") + (e.revoked() ? " revoked" : ""));
      }
    }
  }
}
