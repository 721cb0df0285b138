package dev.sluice.app;

import dev.sluice.PostgresProfile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The packaged application run as users run it: {@code java -jar target/quarkus-app/quarkus-run.jar ...}. */
public final class SluiceProcess {

    public static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar").toAbsolutePath();
    public static final Path ROUTES = Path.of("routes").toAbsolutePath();

    /** What a finished run printed and returned. */
    public record Result(int exitCode, String stdout, String stderr) {
    }

    private final Path workDir;
    private final List<String> jvmOptions = new ArrayList<>();
    private final Map<String, String> env = new HashMap<>();

    /** The development credential (docs/dev-credentials.properties), as a deployment would set it from a Secret. */
    public static final String USER = "dev";
    public static final String PASSWORD = "dev";

    public SluiceProcess(Path workDir) {
        this.workDir = workDir;
        env.put("SLUICE_ROUTES_DIR", ROUTES.toString());
        env.put("QUARKUS_HTTP_PORT", "0");
        env.put("QUARKUS_MANAGEMENT_PORT", "0");
        env.put("QUARKUS_CONFIG_LOCATIONS", Path.of("docs/dev-credentials.properties").toAbsolutePath().toString());
        // the tests' input directories are under their own temporary directory
        env.put("SLUICE_SECURITY_FILE_ROOTS", workDir.toAbsolutePath().toString());
    }

    public SluiceProcess heap(String max) {
        jvmOptions.add("-Xmx" + max);
        return this;
    }

    /** The service on the test PostgreSQL server. */
    public SluiceProcess postgres() {
        return env("SLUICE_DB_URL", dev.sluice.PostgresProfile.URL).env("SLUICE_DB_USERNAME", "sluice")
                .env("SLUICE_DB_PASSWORD", "sluice").env("SLUICE_DB_PIPELINES_USERNAME", "sluice_pipelines")
                .env("SLUICE_DB_PIPELINES_PASSWORD", "sluice_pipelines");
    }

    public SluiceProcess env(String name, String value) {
        env.put(name, value);
        return this;
    }

    /** A running service: stop it with {@link Running#terminate} (SIGTERM) or {@link Running#kill} (SIGKILL). */
    public record Running(Process process, Path out, int port, int managementPort) implements AutoCloseable {

        /** Kills the process if a test ends before stopping it, so no service outlives its test. */
        @Override
        public void close() throws InterruptedException {
            if (process.isAlive()) {
                kill();
            }
        }

        /** SIGKILL, as the OOM killer or a node failure would; waits until the process is gone. */
        public void kill() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor();
        }

        /** SIGTERM, as Kubernetes sends; returns how long the process took to exit, at most {@code timeout}. */
        public Duration terminate(Duration timeout) throws InterruptedException {
            long start = System.nanoTime();
            process.destroy();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
                throw new IllegalStateException("Sluice did not exit within " + timeout + " of SIGTERM");
            }
            return Duration.ofNanos(System.nanoTime() - start);
        }

        public String output() throws IOException {
            return Files.readString(out, StandardCharsets.UTF_8);
        }

        /** GET on the service as the development user, e.g. {@code /pipelines/robot-telemetry-stream}. */
        public String get(String path) throws IOException, InterruptedException {
            return http("GET", path, null, null).body();
        }

        /** GET on the management port, e.g. {@code /q/health/ready}: the status code. */
        public int management(String path) throws IOException, InterruptedException {
            return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + managementPort + path)).build(),
                    java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
        }

        /** A request as the development user. */
        public java.net.http.HttpResponse<String> http(String method, String path, String contentType, byte[] body)
                throws IOException, InterruptedException {
            java.net.http.HttpRequest.Builder request = java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + port + path))
                    .header("Authorization", "Basic " + Base64.getEncoder()
                            .encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8)))
                    .method(method, body == null ? java.net.http.HttpRequest.BodyPublishers.noBody()
                            : java.net.http.HttpRequest.BodyPublishers.ofByteArray(body));
            if (contentType != null) {
                request.header("Content-Type", contentType);
            }
            return java.net.http.HttpClient.newHttpClient().send(request.build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
        }
    }

    /** Starts the service in the background, listening on {@code port}, health and metrics on {@code port + 1}. */
    public Running start(int port, String... args) throws IOException {
        env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        env.put("QUARKUS_MANAGEMENT_PORT", Integer.toString(port + 1));
        Path out = Files.createTempFile("sluice-service", ".log");
        Process process = builder(args).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        return new Running(process, out, port, port + 1);
    }

    public Result run(Duration timeout, String... args) throws IOException, InterruptedException {
        Path out = Files.createTempFile("sluice-out", ".log");
        Path err = Files.createTempFile("sluice-err", ".log");
        Process process = builder(args).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new IllegalStateException("sluice " + String.join(" ", args) + " did not finish within " + timeout
                    + "; output:\n" + Files.readString(out, StandardCharsets.UTF_8));
        }
        return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    private ProcessBuilder builder(String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(JAR.toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
        builder.environment().putAll(env);
        return builder;
    }
}
