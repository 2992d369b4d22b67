package advbench.model;

import advbench.Json;
import com.fasterxml.jackson.core.type.TypeReference;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

/**
 * Trained weights stored under a key derived from everything that determines them, so that an
 * experiment that changed only its attacks or plots reuses them. An entry is a folder
 * {@code <root>/<key>/} with the weights, the training record and the key's inputs (for humans);
 * it is written under a temporary name and renamed whole, so a half-written entry never counts.
 */
public final class ModelCache {
    /**
     * Part of every key. Bump it whenever a change to training code changes the weights it
     * produces; old entries are then simply never found again.
     */
    public static final int TRAINING_CODE_VERSION = 5;

    private final Path root;

    public ModelCache(Path root) {
        this.root = root;
    }

    /** {@code $BENCH_CACHE/models}, default {@code ~/.cache/bench/models}. */
    public static ModelCache fromEnvironment(Map<String, String> env) {
        String cache = env.get("BENCH_CACHE");
        Path base = cache != null && !cache.isBlank() ? Path.of(cache) : Path.of(System.getProperty("user.home"), ".cache", "bench");
        return new ModelCache(base.resolve("models"));
    }

    /** SHA-256 of the canonical JSON (keys sorted) of the inputs, plus the training code version. */
    public static String key(Map<String, ?> inputs) {
        try {
            String canonical = Json.MAPPER.writeValueAsString(Map.of("inputs", inputs, "training_code_version", TRAINING_CODE_VERSION));
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8)));
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public Path dir(String key) {
        return root.resolve(key);
    }

    /** A cached entry's training record, if the entry exists. */
    public <T> Optional<T> record(String key, TypeReference<T> type) {
        Path record = dir(key).resolve("training.json");
        if (!Files.isRegularFile(record) || !Files.isRegularFile(dir(key).resolve(Classifier.WEIGHTS_NAME + "-0000.params"))) {
            return Optional.empty();
        }
        try {
            return Optional.of(Json.MAPPER.readValue(record.toFile(), type));
        } catch (IOException e) {
            return Optional.empty(); // unreadable entry: train again and replace it
        }
    }

    public void store(String key, Map<String, ?> inputs, Classifier model, Object trainingRecord) {
        try {
            Files.createDirectories(root);
            Path tmp = Files.createTempDirectory(root, key + ".");
            model.save(tmp);
            Json.MAPPER.writeValue(tmp.resolve("training.json").toFile(), trainingRecord);
            Json.MAPPER.writeValue(tmp.resolve("key.json").toFile(), Map.of("inputs", inputs, "training_code_version", TRAINING_CODE_VERSION));
            Path target = dir(key);
            if (Files.exists(target)) {
                deleteTree(target); // an entry that could not be read
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the model cache under " + root, e);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
