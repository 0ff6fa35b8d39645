import Foundation

/// Importing as both stores do it: the calling thread reads the file and
/// works out each order's columns, while a thread of the store's own writes
/// them in one transaction; an error on either side rolls it all back.
public enum ImportPipeline {
    public static func run(_ produce: (_ emit: (Order, _ canonicalJSON: [UInt8]?) throws -> Void) throws -> Void, batch size: Int = 256,
                           write: @escaping @Sendable (ImportChannel) throws -> ImportSummary) throws -> ImportSummary {
        let channel = ImportChannel()
        let outcome = ImportOutcome()
        let writer = Thread {
            outcome.result = Result { try write(channel) }
            if case .failure(let error) = outcome.result { channel.fail(error) }
            outcome.done.signal()
        }
        writer.stackSize = 1 << 22
        writer.start()
        do {
            var batch: [PreparedOrder] = []
            batch.reserveCapacity(size)
            try produce { order, json in
                batch.append(PreparedOrder(order, canonicalJSON: json))
                if batch.count == size {
                    try channel.send(batch)
                    batch.removeAll(keepingCapacity: true)
                }
            }
            if !batch.isEmpty { try channel.send(batch) }
            channel.close(nil)
        } catch {
            channel.close(error)
            outcome.done.wait()
            throw error
        }
        outcome.done.wait()
        return try outcome.result.get()
    }
}

/// An order with its column values worked out, ready to insert.
public struct PreparedOrder: Sendable {
    public var externalId: String
    public var status: String
    public var importedFrom: String?
    public var orderDate: String
    public var itemCount: Int
    public var columns: OrderColumns

    public init(_ order: Order, canonicalJSON: [UInt8]?) {
        externalId = order.externalId
        status = order.status.rawValue
        importedFrom = order.importedFrom?.rawValue
        orderDate = order.orderDate ?? ""
        itemCount = order.items.count
        columns = OrderColumns(order, canonicalJSON: canonicalJSON)
    }
}

/// Hands prepared orders from the thread that reads the file to the thread
/// that writes the store, a batch at a time, so that parsing and the store
/// run on both cores at once. Bounded, so a fast reader cannot fill memory.
public final class ImportChannel: @unchecked Sendable {
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
    public func receive() throws -> [PreparedOrder]? {
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
