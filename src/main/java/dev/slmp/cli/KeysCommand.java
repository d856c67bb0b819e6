package dev.slmp.cli;

import dev.slmp.crypto.Bytes;
import dev.slmp.datadir.DataDirectory;
import dev.slmp.handshake.StaticKey;
import java.io.IOException;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code keys [--init] [--data DIR]}: prints the server's static public keys, one line per group:
 * {@code group=P-256 key_id=7c13e240 public=04...} (what devices are provisioned with). Only with
 * {@code --init} does it create the data directory (or its missing files); without, a directory
 * that does not hold a node's data is an error naming it, so a mistyped path never yields a second
 * set of keys.
 */
@CommandLine.Command(
    name = "keys",
    mixinStandardHelpOptions = true,
    versionProvider = SlmpVersion.class,
    description = {
      "Prints the server's static public keys (what devices are provisioned with),",
      "one line per group:",
      "  group=P-256 key_id=7c13e240 public=04..."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:printed",
      "1:the directory does not hold a node's data (without --init), or cannot be read",
      "2:usage error"
    })
public final class KeysCommand extends Command {
  @Option(
      names = "--init",
      description = "create the data directory (or its missing files) if needed")
  boolean init;

  @Mixin DataDirOption data;

  @Override
  public Integer call() {
    java.nio.file.Path dir = data.path();
    DataDirectory dd;
    try {
      dd = init ? DataDirectory.openOrCreate(dir) : DataDirectory.open(dir);
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
}
