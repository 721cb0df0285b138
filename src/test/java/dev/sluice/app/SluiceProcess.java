package dev.sluice.app;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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

    public SluiceProcess(Path workDir) {
        this.workDir = workDir;
        env.put("SLUICE_ROUTES_DIR", ROUTES.toString());
        env.put("QUARKUS_HTTP_PORT", "0");
    }

    public SluiceProcess heap(String max) {
        jvmOptions.add("-Xmx" + max);
        return this;
    }

    public SluiceProcess env(String name, String value) {
        env.put(name, value);
        return this;
    }

    public Result run(Duration timeout, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(JAR.toString());
        command.addAll(List.of(args));
        Path out = Files.createTempFile("sluice-out", ".log");
        Path err = Files.createTempFile("sluice-err", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new IllegalStateException("sluice " + String.join(" ", args) + " did not finish within " + timeout
                    + "; output:\n" + Files.readString(out, StandardCharsets.UTF_8));
        }
        return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }
}
