import DocketTestSupport
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A real TCP proxy in front of a PostgreSQL server that, once armed, cuts
/// the connection on which it sees a COMMIT go by: either after the server
/// answered it (the commit was kept, its acknowledgement never arrives) or
/// before passing it on (the server never sees it). Every other byte and
/// every later connection passes through untouched. It needs the
/// connection in clear text (`sslmode=disable`) to see the COMMIT.
final class CommitCuttingProxy: @unchecked Sendable {
    enum Cut { case afterTheServerAnswered, beforeTheServerSees }

    let port: Int
    private let listener: Int32
    private let upstreamPort: Int
    private let lock = NSLock()
    private var armed: Cut?
    private(set) var cuts = 0

    init(upstreamPort: Int) throws {
        self.upstreamPort = upstreamPort
        (listener, port) = try Loopback.listen()
        Thread { [self] in acceptLoop() }.start()
    }

    /// The next COMMIT seen is cut this way; later ones pass.
    func arm(_ cut: Cut) { lock.withLock { armed = cut } }

    /// Stops accepting; connections already made end with their peers.
    func stop() { shutdown(listener, Int32(SHUT_RDWR)) }

    private func acceptLoop() {
        defer { close(listener) }
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 { return }
            guard let server = Loopback.connect(port: upstreamPort) else { close(client); continue }
            let pair = Pair(client: client, server: server)
            Thread { [self] in clientToServer(pair) }.start()
            Thread { [self] in serverToClient(pair) }.start()
        }
    }

    /// One proxied connection; the last of its two pumps to end closes it.
    private final class Pair: @unchecked Sendable {
        let client: Int32, server: Int32
        let lock = NSLock()
        var cutOnAnswer = false
        var running = 2
        init(client: Int32, server: Int32) { self.client = client; self.server = server }

        func cut() {
            shutdown(client, Int32(SHUT_RDWR))
            shutdown(server, Int32(SHUT_RDWR))
        }

        func finished() {
            let last = lock.withLock { running -= 1; return running == 0 }
            if last { close(client); close(server) }
        }
    }

    private func clientToServer(_ pair: Pair) {
        defer { pair.cut(); pair.finished() }
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = read(pair.client, &buffer, buffer.count)
            if n <= 0 { return }
            let chunk = buffer[0..<n]
            if Self.containsCommit(chunk), let cut = lock.withLock({ () -> Cut? in defer { armed = nil }; return armed }) {
                lock.withLock { cuts += 1 }
                switch cut {
                case .beforeTheServerSees: return
                case .afterTheServerAnswered: pair.lock.withLock { pair.cutOnAnswer = true }
                }
            }
            guard Self.writeAll(pair.server, chunk) else { return }
        }
    }

    private func serverToClient(_ pair: Pair) {
        defer { pair.cut(); pair.finished() }
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = read(pair.server, &buffer, buffer.count)
            if n <= 0 { return }
            if pair.lock.withLock({ pair.cutOnAnswer }) { return }
            guard Self.writeAll(pair.client, buffer[0..<n]) else { return }
        }
    }

    private static func containsCommit(_ bytes: ArraySlice<UInt8>) -> Bool {
        let word = Array("COMMIT".utf8)
        guard bytes.count >= word.count else { return false }
        var i = bytes.startIndex
        while i <= bytes.endIndex - word.count {
            if bytes[i..<(i + word.count)].elementsEqual(word) { return true }
            i += 1
        }
        return false
    }

    private static func writeAll(_ fd: Int32, _ bytes: ArraySlice<UInt8>) -> Bool {
        var rest = bytes
        while !rest.isEmpty {
            let n = rest.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return false }
            rest = rest.dropFirst(n)
        }
        return true
    }
}
