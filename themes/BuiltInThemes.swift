import Foundation

/// The theme files of this folder, shipped beside the docket binary as
/// SwiftPM resources (`Docket_DocketThemes.resources`).
///
/// The folder is found next to the executable rather than through
/// `Bundle.module`, which stops the program when the folder is missing;
/// here a missing folder only means the console falls back to plain
/// attributes and says so.
public enum BuiltInThemes {
    public static let names = ["default", "light", "high-contrast", "mono"]
    static let bundle = "Docket_DocketThemes.resources"

    /// Folders that may hold the files: beside the running binary (a build,
    /// an install that copied the folder along), then the build folder this
    /// code was compiled in.
    static var folders: [URL] {
        var out: [URL] = []
        let exe = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath().deletingLastPathComponent()
        out.append(exe.appendingPathComponent(bundle))
        out.append(Bundle.main.bundleURL.appendingPathComponent(bundle))
        // The source folder itself: `swift run` from a clone, and tests.
        out.append(URL(fileURLWithPath: #filePath).deletingLastPathComponent())
        return out
    }

    /// The TOML text of a built-in theme, and the file it came from.
    public static func text(named name: String) -> (text: String, path: String)? {
        guard names.contains(name) else { return nil }
        for folder in folders {
            let file = folder.appendingPathComponent(name + ".toml")
            if let text = try? String(contentsOf: file, encoding: .utf8) { return (text, file.path) }
        }
        return nil
    }
}
