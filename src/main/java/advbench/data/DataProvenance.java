package advbench.data;

import java.util.Map;

/**
 * Where a data set came from, for the run's manifest: its name and each file by its name
 * (train-images-idx3-ubyte.gz, ...) with the full path read and the MD5 of its bytes.
 */
public record DataProvenance(String dataset, Map<String, FileEntry> files) {

    public record FileEntry(String path, String md5) {}

    /** MD5 by file name; the same data found in another folder gives the same map. */
    public Map<String, String> md5ByFileName() {
        Map<String, String> out = new java.util.TreeMap<>();
        files.forEach((name, entry) -> out.put(name, entry.md5()));
        return out;
    }
}
