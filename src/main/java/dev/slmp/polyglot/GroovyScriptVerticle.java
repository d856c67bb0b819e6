package dev.slmp.polyglot;

import groovy.lang.Binding;
import groovy.lang.Script;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import org.codehaus.groovy.runtime.InvokerHelper;

/**
 * A Groovy script run as a verticle: the script body is its start, on the verticle's event loop,
 * with {@code vertx} and {@code config} (the deployment's config) bound. When the script's last
 * expression is a {@code Future} (say, a consumer's {@code completion()}), the deployment waits for
 * it; a script that defines {@code vertxStop()} has it called on undeploy. Consumers it registered
 * are removed on undeploy by Vert.x.
 */
final class GroovyScriptVerticle extends VerticleBase {
  private final Class<? extends Script> scriptClass;
  private Script script;

  GroovyScriptVerticle(Class<? extends Script> scriptClass) {
    this.scriptClass = scriptClass;
  }

  @Override
  public Future<?> start() {
    Binding binding = new Binding();
    binding.setVariable("vertx", vertx);
    binding.setVariable("config", config());
    script = InvokerHelper.createScript(scriptClass, binding);
    Object result = script.run();
    return result instanceof Future<?> f ? f : Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    if (script != null && !script.getMetaClass().respondsTo(script, "vertxStop").isEmpty()) {
      Object result = script.invokeMethod("vertxStop", null);
      if (result instanceof Future<?> f) {
        return f;
      }
    }
    return Future.succeededFuture();
  }
}
