package advbench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** An exception in words: what a user's error line says instead of a class name or a bare path. */
class ErrorsTest {

    @Test
    void fileSystemExceptionsSayWhatHappenedAndWhere() {
        assertEquals("no such file or folder: /data/x.gz", Errors.describe(new NoSuchFileException("/data/x.gz")));
        assertEquals("permission denied: /data/x.gz", Errors.describe(new AccessDeniedException("/data/x.gz")));
        assertEquals("permission denied", Errors.reason(new AccessDeniedException("/data/x.gz")), "the line names the file itself");
        assertEquals("No space left on device: /r/m.params", Errors.describe(new FileSystemException("/r/m.params", null, "No space left on device")));
        assertEquals("Read-only file system", Errors.reason(new FileSystemException("/ro/x", null, "Read-only file system")));
    }

    /** Java's HTTP client reports a refused connection as a ConnectException without a message: it was shown as "ConnectException". */
    @Test
    void networkExceptionsSayWhatHappened() {
        assertEquals("cannot connect (connection refused, or no route to the host)", Errors.describe(new ConnectException()));
        assertEquals("unknown host yann.lecun.com (no network, or no name service)", Errors.describe(new UnknownHostException("yann.lecun.com")));
        assertEquals("timed out while connecting", Errors.describe(new HttpConnectTimeoutException("HTTP connect timed out")));
    }

    @Test
    void neverAClassName() {
        for (Throwable e : List.of(new IOException(), new ConnectException(), new UncheckedIOException(new IOException()),
                new UncheckedIOException(new NoSuchFileException("f")), new RuntimeException())) {
            String words = Errors.describe(e);
            assertFalse(words.contains("Exception"), words);
        }
        assertEquals("no such file or folder: f", Errors.describe(new UncheckedIOException(new NoSuchFileException("f"))));
        assertEquals("an input or output error", Errors.describe(new IOException()));
        assertEquals("it broke", Errors.describe(new IOException("it broke\n\tat somewhere")));
    }
}
