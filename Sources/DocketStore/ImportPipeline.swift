import DocketCore
import Foundation

/// An order with its column values worked out, ready to insert.
struct PreparedOrder: Sendable {
    var externalId: String
    var status: String
    var importedFrom: String?
    var orderDate: String
    var itemCount: Int
    var columns: OrderColumns

    init(_ order: Order, canonicalJSON: [UInt8]?) {
        externalId = order.externalId
        status = order.status.rawValue
        importedFrom = order.importedFrom?.rawValue
        orderDate = order.orderDate ?? ""
        itemCount = order.items.count
        columns = OrderColumns(order, canonicalJSON: canonicalJSON)
    }
}

/// Hands prepared orders from the thread that reads the file to the thread
/// that writes the store, a batch at a time, so that parsing and SQLite run
/// on both cores at once. Bounded, so a fast reader cannot fill memory.
final class ImportChannel: @unchecked Sendable {
    private let condition = NSCondition()
    private var queue: [[PreparedOrder]] = []
    private var closed = false
    private var producerError: (any Error)?
    private var consumerError: (any Error)?
    private let capacity: Int

    init(capacity: Int = 8) { self.capacity = capacity }

    /// Blocks while the queue is full; throws if the writer has failed.
    func send(_ batch: [PreparedOrder]) throws {
        condition.lock()
        defer { condition.unlock() }
        while queue.count >= capacity && consumerError == nil { condition.wait() }
        if let consumerError { throw consumerError }
        queue.append(batch)
        condition.broadcast()
    }

    /// Ends the stream; with an error, the writer rolls back.
    func close(_ error: (any Error)?) {
        condition.lock()
        closed = true
        producerError = error
        condition.broadcast()
        condition.unlock()
    }

    /// The next batch, nil at a clean end; throws the reader's error.
    func receive() throws -> [PreparedOrder]? {
        condition.lock()
        defer { condition.unlock() }
        while queue.isEmpty && !closed { condition.wait() }
        if let producerError { throw producerError }
        if queue.isEmpty { return nil }
        let batch = queue.removeFirst()
        condition.broadcast()
        return batch
    }

    /// The writer failed: stop the reader at its next send.
    func fail(_ error: any Error) {
        condition.lock()
        consumerError = error
        condition.broadcast()
        condition.unlock()
    }
}

/// The writer thread's result, read after it has finished.
final class ImportOutcome: @unchecked Sendable {
    var result: Result<ImportSummary, any Error> = .failure(CancellationError())
    let done = DispatchSemaphore(value: 0)
}
