import Foundation

/// The process sending a batch. Its orders are claimed for the batch's
/// target while it runs, so a second process (a console, a cron `submit`,
/// another machine on a shared store) never sends them too; a heartbeat
/// tells a process that hung or died from one still at work.
public struct BatchOwner: Sendable, Equatable {
    public var host: String
    public var pid: Int32
    /// When the owner last said it was alive, in seconds since 1970.
    public var heartbeat: Double

    public init(host: String, pid: Int32, heartbeat: Double) {
        self.host = host
        self.pid = pid
        self.heartbeat = heartbeat
    }

    /// This process, now.
    public static func current() -> BatchOwner {
        BatchOwner(host: thisHost, pid: ProcessInfo.processInfo.processIdentifier, heartbeat: Date().timeIntervalSince1970)
    }

    /// The machine's name, as `hostname` prints it (no DNS lookup:
    /// Foundation's hostName may make one, and wait on it), then in
    /// brackets the kernel boot and the process namespace this runs in.
    /// Only a process in the same ones can be looked up by its pid: many
    /// machines share a name (`ubuntu`, `localhost`), and containers on one
    /// machine share its kernel and often its name but not their pids. Two
    /// owners with the same name and different brackets are told apart by
    /// their heartbeats alone.
    static let thisHost: String = {
        var buffer = [CChar](repeating: 0, count: 256)
        let name = gethostname(&buffer, buffer.count - 1) == 0
            ? String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : "localhost"
        let boot = (try? String(contentsOfFile: "/proc/sys/kernel/random/boot_id", encoding: .utf8))?.prefix(8) ?? ""
        let pids = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/ns/pid"))?.filter(\.isNumber) ?? ""
        return boot.isEmpty && pids.isEmpty ? name : "\(name) [\(boot) \(pids)]"
    }()

    /// The host's name without the brackets: what a person calls it.
    public var machineName: String {
        guard let bracket = host.range(of: " [") else { return host }
        return String(host[..<bracket.lowerBound])
    }

    /// How often a running batch beats, and how long without a beat makes
    /// its owner count as gone.
    public static let heartbeatInterval: Double = 5
    public static let staleAfter: Double = 60

    public var secondsSinceHeartbeat: Double { max(0, Date().timeIntervalSince1970 - heartbeat) }

    /// Still sending: on this host its process exists, and anywhere its
    /// heartbeat is fresh.
    public var isAlive: Bool {
        guard secondsSinceHeartbeat < Self.staleAfter else { return false }
        guard host == Self.thisHost else { return true }
        if pid == ProcessInfo.processInfo.processIdentifier { return true }
        return kill(pid, 0) == 0 || errno == EPERM
    }

    /// Why this owner no longer holds `batch`, whose owner the store has as
    /// `holder` (nil once it finished); nil while it does.
    public func lost(_ batch: String, to holder: BatchOwner?) -> DocketError? {
        guard let holder else {
            return DocketError("batch \(batch) was finished by another process; this one stops sending it and writes nothing more to it")
        }
        guard holder.host != host || holder.pid != pid else { return nil }
        return DocketError("batch \(batch) was taken over by \(holder.description) while this process went unheard; this one stops sending it and writes nothing more to it")
    }

    /// "pid 4711 on build-1, last heard from 3 s ago".
    public var description: String {
        "process \(pid) on \(machineName), last heard from \(Int(secondsSinceHeartbeat)) s ago"
    }
}

/// What claiming a new batch's orders found: the orders it may send, and
/// the ones it must leave alone.
public struct BatchClaim: Sendable, Equatable {
    /// External ids now claimed for the batch, in the order given.
    public var claimed: [String] = []
    /// Orders another unfinished batch to the same target holds: its id
    /// for each.
    public var busy: [String: String] = [:]
    /// Orders changed, or no longer matching the selection (another process
    /// sent or edited them), since the selection was read.
    public var changed: [String] = []

    /// Orders a claim checks and writes per statement, in both stores: what
    /// one statement reads and builds stays small for a batch of any size.
    public static let slice = 10_000

    /// The version each claimed order was claimed at, in `claimed`'s order,
    /// from the keys the claim was made with (claimed follows their order).
    public func versions(from keys: some Sequence<(externalId: String, version: Int)>) -> [Int?] {
        var result: [Int?] = []
        result.reserveCapacity(claimed.count)
        var next = keys.makeIterator()
        for id in claimed {
            var version: Int?
            while let key = next.next() {
                if key.externalId == id { version = key.version; break }
            }
            result.append(version)
        }
        return result
    }

    public init(claimed: [String] = [], busy: [String: String] = [:], changed: [String] = []) {
        self.claimed = claimed
        self.busy = busy
        self.changed = changed
    }

    /// Why orders of the selection are not in the batch, in words; nil when
    /// every one is.
    public func explanation(target: String, owners: [String: BatchOwner?]) -> String? {
        var lines: [String] = []
        let byBatch = Dictionary(grouping: busy.keys, by: { busy[$0]! })
        for (batch, ids) in byBatch.sorted(by: { $0.key < $1.key }) {
            let n = Plural.orders(ids.count)
            if let owner = owners[batch] ?? nil, owner.isAlive {
                lines.append("\(n) left out: batch \(batch) is sending them to \(target) (\(owner.description)).")
            } else {
                lines.append("\(n) left out: they belong to batch \(batch), which stopped before it finished; docket resume \(batch) finishes it.")
            }
        }
        if !changed.isEmpty {
            lines.append("\(Plural.orders(changed.count)) left out: changed or sent by someone else since the selection was read; run it again to see them.")
        }
        return lines.isEmpty ? nil : lines.joined(separator: "\n")
    }
}

/// "1 order", "2 orders".
public enum Plural {
    public static func orders(_ n: Int) -> String { of(n, "order") }
    public static func of(_ n: Int, _ word: String, _ plural: String? = nil) -> String {
        "\(n) \(n == 1 ? word : (plural ?? word + "s"))"
    }
}
