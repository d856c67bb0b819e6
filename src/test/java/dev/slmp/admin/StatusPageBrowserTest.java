package dev.slmp.admin;

import static dev.slmp.testkit.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slmp.crypto.Suite;
import dev.slmp.protocol.AckStatus;
import dev.slmp.testkit.DeviceOnRaw;
import dev.slmp.testkit.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The status page in a real headless Chromium (Debian's {@code chromium} and {@code
 * chromium-driver}, driven by Selenium; Selenium Manager never runs: both paths are given). The
 * page asks for the token, then shows the connected device and a message count that increases.
 * Without the browser this test fails, it does not skip: {@code .ci/run} installs it.
 */
class StatusPageBrowserTest {
  static final String CHROMIUM = "/usr/bin/chromium";
  static final String DRIVER = "/usr/bin/chromedriver";

  @TempDir static Path dir;
  static Vertx vertx;
  static TestNode node;
  static WebDriver browser;

  @BeforeAll
  static void start() throws Exception {
    assertTrue(
        new File(CHROMIUM).canExecute() && new File(DRIVER).canExecute(),
        "the status page test needs "
            + CHROMIUM
            + " and "
            + DRIVER
            + ": apt-get install chromium chromium-driver (.ci/run does)");
    vertx = Vertx.vertx();
    node = await(TestNode.start(vertx, dir.resolve("node"), new JsonObject()));
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(DRIVER))
            .usingAnyFreePort()
            .build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM);
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--disable-sync",
        "--window-size=1200,900",
        "--user-data-dir=" + Files.createDirectories(dir.resolve("chromium-profile")));
    browser = new ChromeDriver(service, options);
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.quit();
    }
    if (vertx != null) {
      await(vertx.close());
    }
  }

  static String text(String id) {
    return browser.findElement(By.id(id)).getText();
  }

  static void waitFor(String what, java.util.function.BooleanSupplier condition) {
    new WebDriverWait(browser, Duration.ofSeconds(15))
        .withMessage(what)
        .until(d -> condition.getAsBoolean());
  }

  @Test
  void showsAConnectedDeviceAndAMessageCountThatIncreases() throws Exception {
    DeviceOnRaw device =
        await(
            DeviceOnRaw.connect(
                vertx, node.port(), node.derivedDevice("sensor-7", Suite.X25519_CHACHA20POLY1305)));
    await(device.handshake());
    assertEquals(AckStatus.ACCEPTED, await(device.sendWithAck("t", "first")));
    // A hostile device id is shown as text, never run as markup.
    String hostile = "<img src=x onerror=\"document.title='pwned'\">";
    DeviceOnRaw evil =
        await(
            DeviceOnRaw.connect(
                vertx, node.port(), node.derivedDevice(hostile, Suite.X25519_CHACHA20POLY1305)));
    await(evil.handshake());

    browser.get("http://127.0.0.1:" + node.adminPort() + "/");
    // A wrong token is refused and asked again; the right one shows the status.
    browser.findElement(By.id("token")).sendKeys("wrong-token");
    browser.findElement(By.id("save")).click();
    waitFor("the wrong token refused", () -> text("error").contains("refused"));
    String token = Files.readString(node.dataDir().resolve(AdminToken.FILE)).trim();
    browser.findElement(By.id("token")).sendKeys(token);
    browser.findElement(By.id("save")).click();
    waitFor(
        "the device in the connection list",
        () -> browser.findElement(By.id("connectionRows")).getText().contains("sensor-7"));
    long before = Long.parseLong(text("messages"));
    assertTrue(before >= 1, "messages so far: " + before);
    waitFor(
        "the hostile id as text",
        () -> browser.findElement(By.id("connectionRows")).getText().contains(hostile));
    assertTrue(browser.findElements(By.cssSelector("#connectionRows img")).isEmpty());
    assertEquals("SLMP node status", browser.getTitle());
    evil.raw.socket.close();
    waitFor("the hostile device gone", () -> text("connections").equals("1"));
    assertEquals("1", text("nodes"));

    for (int i = 0; i < 5; i++) {
      assertEquals(AckStatus.ACCEPTED, await(device.sendWithAck("t", "more " + i)));
    }
    waitFor("the message count increases", () -> Long.parseLong(text("messages")) >= before + 5);

    // The token is kept for the tab: a reload shows the status without asking.
    browser.navigate().refresh();
    waitFor(
        "the status after a reload",
        () -> browser.findElement(By.id("connectionRows")).getText().contains("sensor-7"));
    assertFalse(browser.findElement(By.id("login")).isDisplayed());

    waitFor("rates from two samples", () -> !text("messageRate").equals("–"));
    // The README's screenshot (copied to docs/ by hand when the page changes).
    Path shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
    Files.createDirectories(Path.of("target"));
    Files.copy(shot, Path.of("target", "status-page.png"), StandardCopyOption.REPLACE_EXISTING);
    device.raw.socket.close();
  }
}
