package dev.slmp.examples

import io.vertx.core.Future
import io.vertx.core.VerticleBase
import io.vertx.core.eventbus.Message
import io.vertx.core.json.JsonObject
import java.util.Base64

/**
 * Logs every message a device wants acknowledged and accepts it: the device gets ACK ACCEPTED.
 * Compiled by the build into the fat jar; deploy with "deploy": ["dev.slmp.examples.KotlinConsumer"].
 */
class KotlinConsumer : VerticleBase() {
  private val log = System.getLogger(KotlinConsumer::class.java.name)

  override fun start(): Future<*> =
    vertx.eventBus().consumer<JsonObject>("slmp.deliver") { accept(it) }.completion()

  private fun accept(msg: Message<JsonObject>) {
    val m = msg.body()
    val text = String(Base64.getDecoder().decode(m.getString("payload")), Charsets.UTF_8)
    log.log(System.Logger.Level.INFO, "${m.getString("device")} on '${m.getString("topic")}': $text")
    msg.reply(JsonObject().put("accepted", true))
  }
}
