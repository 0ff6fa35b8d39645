import DocketCore
import Foundation
import PostgresNIO

/// The months of `request_bodies`: one partition each, so that pruning a
/// month whose batches are all done drops its partition instead of
/// deleting its rows one by one. Dropping needs the table to itself for a
/// moment; it waits at most half a second for that (so a console or a
/// running batch waits no longer), else the month's rows go one by one.
/// Bodies of a month without a partition land in the default one, and are
/// pruned row by row.
extension PostgresOrderStore {
    static func partition(_ month: String) -> String { "request_bodies_" + month.replacingOccurrences(of: "-", with: "_") }

    /// This month's partition and the next one's, made by a role allowed
    /// to; others (and a month the default partition already holds) leave
    /// bodies in the default partition, which costs only prune speed.
    func addMonths(now: Date = Date()) {
        guard !readOnly else { return }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        for ahead in 0...1 {
            guard let day = calendar.date(byAdding: .month, value: ahead, to: now) else { continue }
            let month = String(day.ISO8601Format().prefix(7))
            var a = SQLArgs()
            // Made already (the usual case): one look, no DDL.
            if (try? link.query("SELECT to_regclass(\(a.add(Self.partition(month)))) IS NOT NULL", a).first?.bool(0)) == true { continue }
            _ = try? link.transaction(retry: false) {
                // Never hold up a console for a month that can wait.
                try link.query("SET LOCAL lock_timeout = '1s'")
                try link.query("CREATE TABLE IF NOT EXISTS \(Self.partition(month)) PARTITION OF request_bodies FOR VALUES IN ('\(month)')")
            }
        }
    }

    /// Month partitions with batches, all of which finished before `before`
    /// (next month's partition, made ahead and still empty, stays).
    func prunableMonths(before: String, only month: String? = nil) throws -> [String] {
        var a = SQLArgs()
        let only = month.map { " AND m = \(a.add($0))" } ?? ""
        return try link.query("""
            SELECT m FROM (
                SELECT substring(pg_get_expr(c.relpartbound, c.oid) FROM '''(\\d{4}-\\d{2})''') AS m
                FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'request_bodies'::regclass
            ) p
            WHERE m IS NOT NULL AND EXISTS (SELECT 1 FROM batches WHERE substr(created_at, 1, 7) = m) AND NOT EXISTS (
                SELECT 1 FROM batches WHERE substr(created_at, 1, 7) = m AND (finished_at IS NULL OR finished_at >= \(a.add(before))))\(only)
            ORDER BY m
            """, a).compactMap { try $0.optionalText(0) }
    }

    /// Drops a month's bodies whole: its request lines say pruned first,
    /// then the partition goes. False when the table could not be had
    /// for a moment; the month's bodies are then still there.
    func dropMonth(_ month: String, before: String, day: String) throws -> Bool {
        // Only the lines of batches that may be pruned: a batch begun this
        // month meanwhile keeps its lines as they are (and the month).
        func mark(limit: String) throws -> Int {
            var a = SQLArgs()
            return try link.query("""
                UPDATE requests SET pruned = \(a.add(day)) WHERE id IN (
                    SELECT r.id FROM requests r JOIN batches b ON b.id = r.batch_id
                    WHERE substr(b.created_at, 1, 7) = \(a.add(month)) AND b.finished_at IS NOT NULL
                    AND b.finished_at < \(a.add(before)) AND r.pruned IS NULL\(limit))
                RETURNING 1
                """, a).count
        }
        while try mark(limit: " LIMIT 2000") > 0 {}
        for _ in 0..<3 {
            do {
                let dropped = try link.transaction(retry: false) { () throws -> Bool in
                    try link.query("SET LOCAL lock_timeout = '500ms'")
                    try link.query("LOCK TABLE request_bodies IN ACCESS EXCLUSIVE MODE")
                    // A batch begun this month since the look above keeps
                    // the month: its bodies are (or will be) in it.
                    guard try prunableMonths(before: before, only: month) == [month] else { return false }
                    // A batch begun and finished since the lines were marked.
                    _ = try mark(limit: "")
                    try link.query("ALTER TABLE request_bodies DETACH PARTITION \(Self.partition(month))")
                    try link.query("DROP TABLE \(Self.partition(month))")
                    return true
                }
                return dropped
            } catch {
                Thread.sleep(forTimeInterval: 0.2)
            }
        }
        return false
    }
}
