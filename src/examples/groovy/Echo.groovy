// A verticle class in Groovy that sends commands to devices: whatever a device sends on topic "echo" (config
// "topic") goes back to it on "echo/reply", through slmp.out.<device>.
import io.vertx.core.Future
import io.vertx.core.VerticleBase
import io.vertx.core.json.JsonObject

class Echo extends VerticleBase {
  @Override
  Future<?> start() {
    def bus = vertx.eventBus()
    String topic = config().getString('topic', 'echo')
    def log = System.getLogger('examples.Echo')
    bus.consumer('slmp.in') { msg ->
      JsonObject m = msg.body()
      if (m.getString('topic') == topic) {
        def command = new JsonObject().put('topic', topic + '/reply').put('payload', m.getString('payload'))
        bus.request('slmp.out.' + m.getString('device'), command)
            .onFailure { e -> log.log(System.Logger.Level.WARNING, "no echo to ${m.getString('device')}: $e") }
      }
    }.completion()
  }
}
