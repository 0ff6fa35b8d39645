import Foundation

/// Folders for the files tests make (stores, configs, order files), all
/// inside one folder per test process that goes when the process exits. A
/// full run makes hundreds of stores, some of 200 MB; left in the temporary
/// directory, a few dozen runs filled a developer's disk.
public enum Scratch {
    static let root: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("docket-tests-\(getpid())")
        // Left by an earlier process that had this pid and did not exit cleanly.
        try? FileManager.default.removeItem(at: url)
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        atexit { Scratch.removeAll() }
        return url
    }()

    /// A new, empty folder whose name starts with `prefix`.
    public static func folder(_ prefix: String) -> URL {
        let url = root.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func removeAll() { try? FileManager.default.removeItem(at: root) }
}
