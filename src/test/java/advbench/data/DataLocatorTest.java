package advbench.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import advbench.UserError;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Resolution order and downloads, against a real HTTP server on the loopback address. */
class DataLocatorTest {
    @TempDir
    Path tmp;
    HttpServer server;
    final Map<String, byte[]> served = new LinkedHashMap<>();
    final List<String> requests = new ArrayList<>();
    final Downloader downloader = new Downloader(Duration.ofSeconds(5), s -> { });

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            requests.add(ex.getRequestURI().getPath());
            byte[] body = served.get(ex.getRequestURI().getPath());
            ex.sendResponseHeaders(body == null ? 404 : 200, body == null ? -1 : body.length);
            if (body != null) {
                ex.getResponseBody().write(body);
            }
            ex.close();
        });
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    String mirror(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    static byte[] content(String name) {
        return ("content of " + name).getBytes(StandardCharsets.UTF_8);
    }

    static String md5(byte[] b) throws Exception {
        return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5").digest(b));
    }

    KnownDataset dataset(List<String> mirrors) throws Exception {
        Map<String, String> md5s = new LinkedHashMap<>();
        for (String n : IdxFiles.STANDARD_NAMES) {
            md5s.put(n, md5(content(n)));
        }
        return new KnownDataset("toy", mirrors, md5s, 10, null);
    }

    void writeAll(Path dir) throws IOException {
        Files.createDirectories(dir);
        for (String n : IdxFiles.STANDARD_NAMES) {
            Files.write(dir.resolve(n), content(n));
        }
    }

    @Test
    void explicitDirectoryWinsAndMayHoldANamedSubfolder() throws Exception {
        writeAll(tmp.resolve("explicit/toy"));
        writeAll(tmp.resolve("env"));
        List<Path> f = new DataLocator(tmp.resolve("explicit"), tmp.resolve("env"), tmp.resolve("cache"), downloader)
                .locate(dataset(List.of()));
        assertEquals(tmp.resolve("explicit/toy/train-images-idx3-ubyte.gz"), f.get(0));
    }

    @Test
    void explicitDirectoryMissingFilesIsAnErrorNamingThem() throws Exception {
        Files.createDirectories(tmp.resolve("explicit"));
        Files.write(tmp.resolve("explicit/train-images-idx3-ubyte"), content("x"));
        UserError e = assertThrows(UserError.class, () ->
                new DataLocator(tmp.resolve("explicit"), null, tmp.resolve("cache"), downloader).locate(dataset(List.of())));
        assertTrue(e.getMessage().contains("lacks train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz"), e.getMessage());
        assertTrue(requests.isEmpty(), "an explicit directory is never bypassed by a download");
    }

    @Test
    void environmentDirectoryThenCache() throws Exception {
        writeAll(tmp.resolve("cache/data/toy"));
        KnownDataset ds = dataset(List.of());
        List<Path> fromCache = new DataLocator(null, tmp.resolve("env-empty"), tmp.resolve("cache"), downloader).locate(ds);
        assertEquals(tmp.resolve("cache/data/toy/t10k-labels-idx1-ubyte.gz"), fromCache.get(3));
        writeAll(tmp.resolve("env"));
        List<Path> fromEnv = new DataLocator(null, tmp.resolve("env"), tmp.resolve("cache"), downloader).locate(ds);
        assertEquals(tmp.resolve("env/t10k-labels-idx1-ubyte.gz"), fromEnv.get(3));
        List<Path> viaVariable = DataLocator.fromEnvironment(null, Map.of("BENCH_DATA", tmp.resolve("env").toString(),
                "BENCH_CACHE", tmp.resolve("cache").toString()), downloader).locate(ds);
        assertEquals(tmp.resolve("env/t10k-labels-idx1-ubyte.gz"), viaVariable.get(3), "BENCH_DATA is read from the environment");
    }

    @Test
    void downloadsIntoTheCacheSkippingAMirrorWithABadChecksum() throws Exception {
        for (String n : IdxFiles.STANDARD_NAMES) {
            served.put("/bad/" + n, "corrupted".getBytes(StandardCharsets.UTF_8));
            served.put("/good/" + n, content(n));
        }
        KnownDataset ds = dataset(List.of(mirror("/bad/"), mirror("/good/")));
        List<String> progress = new ArrayList<>();
        List<Path> f = new DataLocator(null, null, tmp.resolve("cache"), new Downloader(Duration.ofSeconds(5), progress::add)).locate(ds);
        assertEquals(4, progress.size(), "one line per file downloaded: " + progress);
        assertTrue(progress.get(0).startsWith("downloaded " + mirror("/good/")), progress.get(0));
        assertEquals(tmp.resolve("cache/data/toy/train-images-idx3-ubyte.gz"), f.get(0));
        for (Path p : f) {
            assertEquals(ds.md5ByFile().get(p.getFileName().toString()), Md5.of(p));
        }
        try (var files = Files.list(tmp.resolve("cache/data/toy"))) {
            assertEquals(4, files.count(), "no temporary file is left behind");
        }
    }

    /** A failed download is told once, in the error; only a successful one is worth a progress line. */
    @Test
    void noDataAndNoMirrorGivesOneSentenceSayingWhatToDo() throws Exception {
        KnownDataset ds = dataset(List.of(mirror("/nothing-here/")));
        List<String> progress = new ArrayList<>();
        Downloader quietOnFailure = new Downloader(Duration.ofSeconds(5), progress::add);
        UserError e = assertThrows(UserError.class, () -> new DataLocator(null, null, tmp.resolve("cache"), quietOnFailure).locate(ds));
        assertEquals(List.of(), progress, "no progress line before the error");
        assertTrue(e.getMessage().startsWith("toy: missing train-images-idx3-ubyte.gz"), e.getMessage());
        assertTrue(e.getMessage().contains("HTTP 404") && e.getMessage().contains("BENCH_DATA=DIR"), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"));
    }

    @Test
    void downloaderReportsEveryFailedMirror() throws Exception {
        List<String> failures = downloader.download(List.of(mirror("/a/"), "http://127.0.0.1:1/"), "f.gz", "0", tmp.resolve("f.gz"));
        assertEquals(2, failures.size());
        served.put("/ok/f.gz", content("f"));
        assertNull(downloader.download(List.of(mirror("/ok")), "f.gz", md5(content("f")), tmp.resolve("f.gz")));
    }

    /** CIFAR is one archive: downloaded, checked against its MD5, and read without extracting it. */
    @Test
    void aCifarArchiveIsDownloadedCheckedAndRead() throws Exception {
        Path made = SyntheticImages.cifar(tmp.resolve("made"), KnownDatasets.CIFAR10, 4, 3, true, 2);
        byte[] archive = Files.readAllBytes(made);
        served.put("/kriz/cifar-10-binary.tar.gz", archive);
        KnownDataset ds = new KnownDataset("cifar10", List.of(mirror("/kriz/")), Map.of("cifar-10-binary.tar.gz", md5(archive)), 10,
                KnownDatasets.CIFAR10.classNames(), KnownDataset.Format.CIFAR10);
        List<Path> found = new DataLocator(null, null, tmp.resolve("cache"), downloader).locate(ds);
        assertEquals(List.of(tmp.resolve("cache/data/cifar10/cifar-10-binary.tar.gz")), found);
        IdxReader.Samples[] splits = CifarReader.read(found.get(0), CifarReader.Layout.CIFAR10);
        assertEquals(20, splits[0].labels().length);
        assertEquals(3, splits[1].labels().length);
        assertEquals(found, new DataLocator(null, null, tmp.resolve("cache"), downloader).locate(ds), "found in the cache next time");
        assertEquals(1, requests.size(), "downloaded once");
    }

    @Test
    void publishedMismatchIsAWarning() {
        List<String> w = DataLocator.publishedMismatches(KnownDatasets.MNIST,
                Map.of("train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873", "t10k-labels-idx1-ubyte.gz", "00"));
        assertEquals(1, w.size());
        assertTrue(w.get(0).contains("t10k-labels-idx1-ubyte.gz"));
    }
}
