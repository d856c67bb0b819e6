// Logs every message a device wants acknowledged and accepts it: the device gets ACK ACCEPTED.
// Deploy with "deploy": ["groovy:src/examples/groovy/Consumer.groovy"]; `vertx` and `config` are bound.
import io.vertx.core.json.JsonObject

def log = System.getLogger('examples.GroovyConsumer')
vertx.eventBus().consumer('slmp.deliver') { msg ->
  JsonObject m = msg.body()
  String text = new String(m.getString('payload').decodeBase64(), 'UTF-8')
  log.log(System.Logger.Level.INFO, "${m.getString('device')} on '${m.getString('topic')}': $text")
  msg.reply(new JsonObject().put('accepted', true))
}.completion() // a Future as the last expression: the deployment waits until the consumer is registered
