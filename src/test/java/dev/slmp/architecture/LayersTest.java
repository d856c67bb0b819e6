package dev.slmp.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The build's guard of the two layers (README, Layout): an I/O-free core that knows no framework
 * and no socket, and the node around it. A back-import that would tie the packages into a cycle, or
 * pull a framework into the core, fails {@code mvn verify} here.
 */
@AnalyzeClasses(packages = "dev.slmp", importOptions = ImportOption.DoNotIncludeTests.class)
class LayersTest {
  /**
   * The core: framing, messages, key schedule, primitives and suites, state machines, handshake,
   * sessions.
   */
  static final String[] CORE = {
    "dev.slmp.crypto..",
    "dev.slmp.protocol..",
    "dev.slmp.session..",
    "dev.slmp.handshake..",
    "dev.slmp.auth..",
    "dev.slmp.connection..",
    "dev.slmp.downlink.."
  };

  @ArchTest
  static final ArchRule noPackageCycles =
      slices().matching("dev.slmp.(*)..").should().beFreeOfCycles();

  @ArchTest
  static final ArchRule coreKnowsNoFrameworkAndNoSockets =
      noClasses()
          .that()
          .resideInAnyPackage(CORE)
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "io.vertx..",
              "io.netty..",
              "com.hazelcast..",
              "java.net..",
              "java.nio.channels..",
              "java.nio.file..",
              "com.fasterxml.jackson..")
          .because("the core is I/O-free: the node wraps it");

  @ArchTest
  static final ArchRule coreDependsOnlyOnCore =
      noClasses()
          .that()
          .resideInAnyPackage(CORE)
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "dev.slmp.bus..",
              "dev.slmp.config..",
              "dev.slmp.datadir..",
              "dev.slmp.services..",
              "dev.slmp.gateway..",
              "dev.slmp.inbox..",
              "dev.slmp.sink..",
              "dev.slmp.cluster..",
              "dev.slmp.bridge..",
              "dev.slmp.polyglot..",
              "dev.slmp.node..",
              "dev.slmp.client..",
              "dev.slmp.cli..",
              "dev.slmp.commands..",
              "dev.slmp.metrics..",
              "dev.slmp.admin..",
              "dev.slmp.bench..");

  @ArchTest
  static final ArchRule productDoesNotDependOnBench =
      noClasses()
          .that()
          .resideOutsideOfPackage("dev.slmp.bench..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("dev.slmp.bench..")
          .because(
              "the benchmark is a tool beside the product; the CLI finds it as a Command service");
}
