import Foundation

func report(_ name: String, _ value: Double, _ unit: String) {
    let rounded = (value * 1000).rounded() / 1000
    FileHandle.standardOutput.write(Data("{\"name\":\"\(name)\",\"value\":\(rounded),\"unit\":\"\(unit)\"}\n".utf8))
}

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

/// A figure from /proc/self/status in MiB (Linux): `VmHWM` is the peak
/// resident memory so far, `VmRSS` the current one.
func procStatusMB(_ field: String) -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
    for line in status.split(separator: "\n") where line.hasPrefix(field + ":") {
        return (line.split(separator: " ").compactMap { Double($0) }.first ?? 0) / 1024
    }
    return 0
}

func peakResidentMB() -> Double { procStatusMB("VmHWM") }

/// Starts the peak (`VmHWM`) again from the current resident size, so a
/// second measurement in one run is not hidden by the first's peak.
func resetPeakResident() { try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8) }
func currentResidentMB() -> Double { procStatusMB("VmRSS") }

/// Runs `body` with a new folder that is removed afterwards.
func withTemporaryDirectory<T>(_ body: (URL) throws -> T) throws -> T {
    // DOCKET_BENCH_KEEP=DIR: work in DIR and leave its files, to look at them after.
    if let keep = ProcessInfo.processInfo.environment["DOCKET_BENCH_KEEP"] {
        let dir = URL(fileURLWithPath: keep)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return try body(dir)
    }
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("docket-bench-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    return try body(dir)
}

func which(_ tool: String) -> String? {
    for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
        let p = "\(dir)/\(tool)"
        if FileManager.default.isExecutableFile(atPath: p) { return p }
    }
    return nil
}
