#!/usr/bin/env bash
# A throw-away single-node Kafka broker (KRaft, broker and controller in one JVM) for tests and benchmarks, built
# from the Maven Central jars org.apache.kafka:kafka_2.13 (fetched once with the project's Maven wrapper).
# Listens on 127.0.0.1 only. `start` keeps the data of an earlier start (so a test can restart the broker under a
# running pipeline); `clean` stops the broker and deletes its data.
#
#   scripts/kafka.sh start|stop|clean|status|bootstrap|report
#
# Settings: SLUICE_KAFKA_PORT (59092), SLUICE_KAFKA_DIR (/tmp/sluice-kafka), SLUICE_KAFKA_VERSION (4.1.2),
# SLUICE_KAFKA_HEAP (512m).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
PORT=${SLUICE_KAFKA_PORT:-59092}
CONTROLLER_PORT=$((PORT + 1))
DIR=${SLUICE_KAFKA_DIR:-/tmp/sluice-kafka}
VERSION=${SLUICE_KAFKA_VERSION:-4.1.2}
HEAP=${SLUICE_KAFKA_HEAP:-512m}
LIBS=${SLUICE_KAFKA_LIBS:-$HOME/.cache/sluice/kafka-$VERSION/libs}

fetch() {
    if [ -f "$LIBS/.complete" ]; then
        return 0
    fi
    echo "Fetching Kafka $VERSION from Maven Central..." >&2
    local work
    work=$(mktemp -d)
    cat > "$work/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>dev.sluice.tools</groupId>
  <artifactId>kafka-broker</artifactId>
  <version>1</version>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>$VERSION</version></dependency>
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-simple</artifactId><version>1.7.36</version></dependency>
  </dependencies>
</project>
POM
    mkdir -p "$LIBS"
    "$ROOT/mvnw" -q -B -ntp -f "$work/pom.xml" dependency:copy-dependencies -DoutputDirectory="$LIBS" -DincludeScope=runtime >&2
    rm -rf "$work"
    touch "$LIBS/.complete"
}

pid() {
    [ -f "$DIR/broker.pid" ] && cat "$DIR/broker.pid"
}

is_running() {
    local p
    p=$(pid) || return 1
    [ -n "$p" ] && kill -0 "$p" 2>/dev/null
}

answers() {
    (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && grep -q "Kafka Server started" "$DIR/broker.log" 2>/dev/null
}

start() {
    fetch
    if is_running; then
        return 0
    fi
    if [ -f "$DIR/data/meta.properties" ]; then
        launch
        return
    fi
    rm -rf "$DIR"
    mkdir -p "$DIR/data"
    cat > "$DIR/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$PORT,CONTROLLER://127.0.0.1:$CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$DIR/data
num.partitions=3
auto.create.topics.enable=true
offsets.topic.replication.factor=1
offsets.topic.num.partitions=3
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
PROPS
    local java=${JAVA_HOME:+$JAVA_HOME/bin/}java
    local cluster_id
    cluster_id=$("$java" -cp "$LIBS/*" kafka.tools.StorageTool random-uuid 2>/dev/null)
    if ! "$java" -cp "$LIBS/*" kafka.tools.StorageTool format -t "$cluster_id" -c "$DIR/server.properties" \
        > "$DIR/format.log" 2>&1; then
        cat "$DIR/format.log" >&2
        return 1
    fi
    launch
}

launch() {
    local java=${JAVA_HOME:+$JAVA_HOME/bin/}java
    : > "$DIR/broker.log"
    nohup "$java" -Xms"$HEAP" -Xmx"$HEAP" -XX:+UseG1GC -Dorg.slf4j.simpleLogger.defaultLogLevel=info \
        -Dorg.slf4j.simpleLogger.log.kafka=info -Dorg.slf4j.simpleLogger.log.org.apache.kafka=warn \
        -cp "$LIBS/*" kafka.Kafka "$DIR/server.properties" > "$DIR/broker.log" 2>&1 &
    echo $! > "$DIR/broker.pid"
    for _ in $(seq 1 120); do
        if answers; then
            echo "Kafka ready: $(bootstrap)" >&2
            return 0
        fi
        if ! is_running; then
            echo "Kafka failed to start; last lines of $DIR/broker.log:" >&2
            tail -n 20 "$DIR/broker.log" >&2
            return 1
        fi
        sleep 0.5
    done
    echo "Kafka did not answer within 60 s; see $DIR/broker.log" >&2
    return 1
}

clean() {
    stop
    rm -rf "$DIR"
}

stop() {
    if is_running; then
        local p
        p=$(pid)
        kill "$p"
        for _ in $(seq 1 60); do
            kill -0 "$p" 2>/dev/null || break
            sleep 0.5
        done
        kill -9 "$p" 2>/dev/null || true
    fi
    rm -f "$DIR/broker.pid"
}

bootstrap() {
    echo "127.0.0.1:$PORT"
}

# what a failed test run needs to tell a broker problem from a product one: is it up, its warnings, its disk
report() {
    echo "Kafka broker: $(is_running && echo "running (pid $(pid))" || echo "not running"), data in $DIR"
    df -h "$DIR" 2>/dev/null | tail -n 1
    if [ -f "$DIR/broker.log" ]; then
        echo "last warnings and errors of $DIR/broker.log:"
        grep -E " (WARN|ERROR) " "$DIR/broker.log" | grep -v "Performing controller activation" | tail -n 40
    fi
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    clean) clean ;;
    status) if is_running && answers; then echo running; else echo stopped; exit 3; fi ;;
    bootstrap) bootstrap ;;
    report) report ;;
    *) echo "usage: $0 start|stop|clean|status|bootstrap|report" >&2; exit 2 ;;
esac
