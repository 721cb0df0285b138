package dev.sluice.source;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

/** The spools of the running HTTP-fed pipelines, by pipeline name. */
@ApplicationScoped
public class HttpSpools {

    private final Map<String, HttpSpool> spools = new ConcurrentHashMap<>();

    public void register(String pipeline, HttpSpool spool) {
        spools.put(pipeline, spool);
    }

    public void remove(String pipeline) {
        spools.remove(pipeline);
    }

    public Optional<HttpSpool> spool(String pipeline) {
        return Optional.ofNullable(spools.get(pipeline));
    }
}
