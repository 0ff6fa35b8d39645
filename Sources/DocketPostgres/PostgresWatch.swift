import DocketCore
import Foundation
import PostgresNIO

extension PostgresOrderStore: ChangeNotifying {
    static let changesChannel = "docket_changes"

    /// A connection of its own LISTENs; a lost one is made again after a
    /// second, and the loss counts as a change (what was missed is read).
    public func watchChanges(_ onChange: @escaping @Sendable () -> Void) -> ChangeWatch {
        let url = link.url, password = link.password, logger = link.logger
        let task = Task.detached {
            var id = 1000
            while !Task.isCancelled {
                do {
                    id += 1
                    let tls = try url.tlsConfiguration()
                    let connection = try await PostgresConnection.connect(
                        configuration: .init(host: url.host, port: url.port, username: url.user, password: password, database: url.database, tls: tls),
                        id: id, logger: logger)
                    do {
                        try await connection.listen(on: Self.changesChannel) { notifications in
                            for try await _ in notifications { onChange() }
                        }
                    } catch {}
                    try? await connection.close()
                } catch {}
                guard !Task.isCancelled else { break }
                onChange()
                try? await Task.sleep(for: .seconds(1))
            }
        }
        return ChangeWatch { task.cancel() }
    }
}
