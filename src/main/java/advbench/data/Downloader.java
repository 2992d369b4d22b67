package advbench.data;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Fetches a data file from the first mirror that serves it with the expected MD5. The file is
 * written under a temporary name and renamed only once verified, so a broken download never
 * looks like a finished one.
 */
public final class Downloader {
    private final HttpClient http;
    private final Duration timeout;
    private final Consumer<String> progress;

    public Downloader(Duration timeout, Consumer<String> progress) {
        this.http = HttpClient.newBuilder().connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        this.timeout = timeout;
        this.progress = progress;
    }

    /**
     * Downloads {@code fileName} into {@code target}, trying each mirror in turn.
     *
     * @return null on success, otherwise one short reason per mirror that failed
     */
    public List<String> download(List<String> mirrors, String fileName, String md5, Path target) throws IOException {
        Files.createDirectories(target.getParent());
        List<String> failures = new ArrayList<>();
        for (String mirror : mirrors) {
            String url = mirror.endsWith("/") ? mirror + fileName : mirror + "/" + fileName;
            Path tmp = Files.createTempFile(target.getParent(), fileName, ".part");
            try {
                HttpRequest req = HttpRequest.newBuilder(URI.create(url)).timeout(timeout.multipliedBy(30)).GET().build();
                HttpResponse<InputStream> resp = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
                try (InputStream body = resp.body()) {
                    if (resp.statusCode() != 200) {
                        failures.add(url + ": HTTP " + resp.statusCode());
                        continue;
                    }
                    Files.copy(body, tmp, StandardCopyOption.REPLACE_EXISTING);
                }
                String actual = Md5.of(tmp);
                if (!actual.equals(md5)) {
                    failures.add(url + ": MD5 " + actual + " is not the published " + md5);
                    continue;
                }
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                // only a success is worth a line: a failure is told once, in the error that ends the run
                progress.accept("downloaded " + url + " (" + Files.size(target) + " bytes, MD5 as published)");
                return null;
            } catch (IOException e) {
                failures.add(url + ": " + advbench.Errors.describe(e));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failures.add(url + ": interrupted");
                break;
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
        return failures;
    }
}
