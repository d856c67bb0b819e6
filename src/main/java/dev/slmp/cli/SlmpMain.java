package dev.slmp.cli;

/** Entry point of the fat jar. */
public final class SlmpMain {
  private SlmpMain() {}

  public static void main(String[] args) {
    System.out.println("SLMP: the node is not built yet; see README.md");
  }
}
