package dev.sluice.bench;

import org.apache.camel.main.Main;

/**
 * Plain Camel's contender: camel-main with one YAML route per workload (routes/files-pg.yaml, kafka-pg.yaml,
 * kafka-kafka.yaml), configured from the environment (BENCH_*). Usage: {@code CamelMainBench <workload>}.
 */
public final class CamelMainBench {

    private CamelMainBench() {
    }

    public static void main(String[] args) throws Exception {
        Main main = new Main();
        main.configure().withRoutesIncludePattern("classpath:routes/" + args[0] + ".yaml");
        main.run();
    }
}
