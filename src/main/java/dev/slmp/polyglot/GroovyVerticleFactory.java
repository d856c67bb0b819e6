package dev.slmp.polyglot;

import groovy.lang.GroovyClassLoader;
import groovy.lang.Script;
import io.vertx.core.Deployable;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.spi.VerticleFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * Deploys Groovy source files as verticles, compiled at deploy time: {@code
 * groovy:path/Consumer.groovy} (or a bare name ending in {@code .groovy}). The file may hold a
 * class extending {@code VerticleBase} or {@code AbstractVerticle}, or be a script (see {@link
 * GroovyScriptVerticle}). Relative paths resolve against the working directory.
 *
 * <p>Ours rather than vertx-lang-groovy's: that factory only accepts {@code Verticle} classes and
 * scripts, not Vert.x 5's {@code VerticleBase}, and it pins Groovy 4. Registered through {@code
 * META-INF/services}.
 */
public final class GroovyVerticleFactory implements VerticleFactory {
  private Vertx vertx;

  @Override
  public String prefix() {
    return "groovy";
  }

  @Override
  public void init(Vertx vertx) {
    this.vertx = vertx;
  }

  @Override
  public void createVerticle2(
      String verticleName,
      ClassLoader classLoader,
      Promise<Callable<? extends Deployable>> promise) {
    Path file = Path.of(VerticleFactory.removePrefix(verticleName));
    // Parsing compiles the file: seconds on a cold JVM, so never on the event loop.
    vertx
        .executeBlocking(() -> compile(file, classLoader), false)
        .<Callable<? extends Deployable>>map(
            clazz -> {
              if (Script.class.isAssignableFrom(clazz)) {
                Class<? extends Script> script = clazz.asSubclass(Script.class);
                return () -> new GroovyScriptVerticle(script);
              }
              Class<? extends Deployable> verticle = clazz.asSubclass(Deployable.class);
              return () -> verticle.getDeclaredConstructor().newInstance();
            })
        .onComplete(promise);
  }

  private static Class<?> compile(Path file, ClassLoader parent) throws Exception {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(
          "no such file: "
              + file.toAbsolutePath().normalize()
              + (file.isAbsolute()
                  ? ""
                  : " (a relative path is resolved against the working directory)"));
    }
    // One loader per deployment: redeploying an edited file yields its new class, not a cached one.
    @SuppressWarnings("resource")
    GroovyClassLoader loader =
        new GroovyClassLoader(
            parent != null ? parent : GroovyVerticleFactory.class.getClassLoader());
    Class<?> clazz = loader.parseClass(file.toFile());
    if (!Script.class.isAssignableFrom(clazz) && !Deployable.class.isAssignableFrom(clazz)) {
      throw new IllegalArgumentException(
          file
              + ": class "
              + clazz.getName()
              + " is not a verticle: extend io.vertx.core.VerticleBase or io.vertx.core.AbstractVerticle, or write a script");
    }
    if (!Script.class.isAssignableFrom(clazz)) {
      try {
        clazz.getDeclaredConstructor(); // fail now, naming the file, rather than at each instance
      } catch (NoSuchMethodException e) {
        throw new IllegalArgumentException(
            file + ": class " + clazz.getName() + " needs a no-argument constructor");
      }
    }
    return clazz;
  }
}
