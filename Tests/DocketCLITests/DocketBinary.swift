import DocketPostgres
import Foundation
import Testing
import DocketTestSupport

/// Runs the real `docket` binary that `swift build` made, as a user would.
struct DocketBinary {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static let url: URL = {
        // The test bundle sits in the same build folder as the executables.
        var candidates: [URL] = []
        let bundle = Bundle.main.bundleURL
        candidates.append(bundle.deletingLastPathComponent().appendingPathComponent("docket"))
        candidates.append(bundle.appendingPathComponent("docket"))
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        candidates.append(root.appendingPathComponent(".build/debug/docket"))
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates.last!
    }()

    let folder: URL
    var environment: [String: String]

    /// `store`: a URL to use instead of a new SQLite file in the folder.
    init(store: String? = nil) throws {
        folder = Scratch.folder("cli")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var env = ProcessInfo.processInfo.environment
        env["DOCKET_STORE"] = store ?? folder.appendingPathComponent("store.sqlite").path
        env["XDG_CONFIG_HOME"] = folder.appendingPathComponent("config").path
        env.removeValue(forKey: "DOCKET_CONFIG")
        environment = env
    }

    var storePath: String { environment["DOCKET_STORE"]! }

    func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    func write(_ name: String, _ text: String) throws -> String {
        let p = path(name)
        try Data(text.utf8).write(to: URL(fileURLWithPath: p))
        return p
    }

    func start(_ arguments: [String], input: String? = nil) throws -> (Process, Pipe, Pipe) {
        let p = Process()
        p.executableURL = Self.url
        p.arguments = arguments
        p.environment = environment
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        if let input {
            let pipe = Pipe()
            p.standardInput = pipe
            try p.run()
            let data = Data(input.utf8)
            Thread {
                pipe.fileHandleForWriting.write(data)
                try? pipe.fileHandleForWriting.close()
            }.start()
            return (p, out, err)
        }
        p.standardInput = FileHandle.nullDevice
        try p.run()
        return (p, out, err)
    }

    /// Runs with `input` piped to standard input.
    func run(_ arguments: [String], input: String) throws -> Result {
        let (p, out, err) = try start(arguments, input: input)
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    @discardableResult
    func run(_ arguments: String...) throws -> Result {
        try run(arguments)
    }

    func run(_ arguments: [String]) throws -> Result {
        let (p, out, err) = try start(arguments)
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    static func fixture(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures").appendingPathComponent(name).path
    }
}

/// Which store a CLI test runs the binary on: a new SQLite file, or a new
/// database on the PostgreSQL server `DOCKET_TEST_POSTGRES_URL` names
/// (skipped, and said so, without one).
enum CLIStore: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgres
    var testDescription: String { rawValue }

    func binary() throws -> DocketBinary? {
        switch self {
        case .sqlite: return try DocketBinary()
        case .postgres:
            guard let server = ProcessInfo.processInfo.environment["DOCKET_TEST_POSTGRES_URL"], !server.isEmpty else {
                print("note: DOCKET_TEST_POSTGRES_URL is not set, so this test's PostgreSQL run is skipped")
                return nil
            }
            let name = "docket_cli_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
            return try DocketBinary(store: try PostgresOrderStore.createDatabase(server: server, name: name))
        }
    }
}
