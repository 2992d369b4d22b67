package advbench;

import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.zip.ZipException;
import javax.net.ssl.SSLException;

/**
 * What went wrong, in words, for an exception that ends up in a user's error line: an I/O or
 * network exception's message is often just a path, a class name, or nothing (Java's HTTP client
 * reports a refused connection as a ConnectException without a message), so every line built from
 * one goes through here instead of {@code getMessage()}.
 */
public final class Errors {
    private Errors() {}

    /** A short phrase such as "permission denied: /data/x" or "cannot connect (...)"; never an exception class. */
    public static String describe(Throwable e) {
        return describe(e, true);
    }

    /** As {@link #describe}, without the file a file-system exception names: for a line that names the file itself. */
    public static String reason(Throwable e) {
        return describe(e, false);
    }

    private static String describe(Throwable e, boolean withFile) {
        if (e instanceof UncheckedIOException u && u.getCause() != null) {
            return describe(u.getCause(), withFile);
        }
        if (e instanceof FileSystemException f) {
            return fileSystem(f, withFile);
        }
        String m = firstLine(e.getMessage());
        if (e instanceof UnknownHostException) {
            return "unknown host" + (m == null ? "" : " " + m) + " (no network, or no name service)";
        }
        if (e instanceof HttpConnectTimeoutException) {
            return "timed out while connecting";
        }
        if (e instanceof HttpTimeoutException || e instanceof SocketTimeoutException) {
            return "timed out";
        }
        if (e instanceof ConnectException || e instanceof NoRouteToHostException) {
            return "cannot connect (connection refused, or no route to the host)";
        }
        if (e instanceof SSLException) {
            return "the secure connection failed" + (m == null ? "" : ": " + m);
        }
        if (e instanceof EOFException) {
            return "the file ends before its data does (truncated?)";
        }
        if (e instanceof ZipException) {
            return "not a valid compressed file" + (m == null ? "" : " (" + m + ")");
        }
        if (e instanceof CharacterCodingException) {
            return "not valid UTF-8 text";
        }
        if (e instanceof InterruptedIOException) {
            return "interrupted";
        }
        if (m != null && !m.isBlank() && !m.equals(e.getClass().getName())) {
            return m;
        }
        return e instanceof IOException ? "an input or output error" : "an unexpected error";
    }

    private static String fileSystem(FileSystemException f, boolean withFile) {
        String file = withFile ? f.getFile() : null;
        String where = file == null ? "" : ": " + file + (f.getOtherFile() == null ? "" : " -> " + f.getOtherFile());
        String reason = f.getReason();
        String what;
        if (f instanceof NoSuchFileException) {
            what = "no such file or folder";
        } else if (f instanceof AccessDeniedException) {
            what = "permission denied";
        } else if (f instanceof FileAlreadyExistsException) {
            what = "already exists";
        } else if (f instanceof NotDirectoryException) {
            what = "not a folder";
        } else if (f instanceof DirectoryNotEmptyException) {
            what = "a folder that is not empty";
        } else if (f instanceof FileSystemLoopException) {
            what = "a loop of symbolic links";
        } else if (reason != null && !reason.isBlank()) {
            what = reason; // the operating system's own words: "No space left on device", "Read-only file system"
        } else {
            what = "an input or output error";
        }
        return what + where;
    }

    private static String firstLine(String s) {
        return s == null ? null : s.lines().findFirst().orElse("").strip();
    }
}
