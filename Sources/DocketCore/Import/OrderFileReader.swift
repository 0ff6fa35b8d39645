import Foundation

/// Reads an order file in any import format and hands its orders over one at
/// a time.
///
/// Docket's own format is streamed, so a file of a million orders never sits
/// in memory. A dialect's request body is read whole: it is one API request,
/// bounded by what that API takes.
public struct OrderFileReader: Sendable {
    public init() {}

    /// Reads `path` and calls `emit` for each order, with its bytes when the
    /// file is in Docket's own format; returns the format read. Errors name
    /// the file and the line or JSON path at fault.
    @discardableResult
    public func read(path given: String, format: ImportFormat, _ emit: (Order, _ canonicalJSON: [UInt8]?) throws -> Void) throws -> ImportFormat {
        var path = given
        var name = (given as NSString).lastPathComponent
        var spooled: String?
        defer { if let spooled { try? FileManager.default.removeItem(atPath: spooled) } }
        if given == "-" {
            // Standard input, read once into a private temporary file so that
            // it is read like any other (the format told from its start).
            path = try Self.spool(FileHandle.standardInput, what: "standard input")
            spooled = path
            name = "standard input"
        } else {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: given, isDirectory: &isFolder) else {
                throw DocketError("no such file", file: given)
            }
            if isFolder.boolValue {
                throw DocketError("this is a folder, not a file; name the files in it (docket import \(given)/*.json)", file: given)
            }
            guard FileManager.default.isReadableFile(atPath: given), let handle = FileHandle(forReadingAtPath: given) else {
                throw DocketError("this file cannot be read (check its permissions)", file: given)
            }
            var info = stat()
            if fstat(handle.fileDescriptor, &info) == 0, info.st_mode & S_IFMT != S_IFREG {
                // A pipe or a device (/dev/stdin, <(…)): it can be read once only.
                path = try Self.spool(handle, what: name)
                spooled = path
            }
            try? handle.close()
        }
        if spooled != nil, (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) == 0 {
            throw DocketError("nothing came in: \(name) was empty", file: name)
        }
        let resolved = format == .auto ? try detect(path: path, name: name) : format
        switch resolved {
        case .auto, .docket:
            try readCanonical(path: path, name: name, emit)
        case .csv:
            try CSVOrderReader(path: path, name: name).read(emit)
        case .cropster, .centra, .mirakl, .omnia, .dropday:
            let codec = resolved.dialect!.codec
            let bytes: Data
            do { bytes = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
                throw DocketError("could not read the file: \(error.localizedDescription)", file: name)
            }
            let body: JSONValue
            do { body = try JSONParser.parse(bytes) } catch { throw DocketError(error, file: name) }
            let orders: [Order]
            do { orders = try codec.decodeRequest(body) } catch { throw error.with(file: name) }
            for order in orders { try emit(order, nil) }
        }
        return resolved
    }

    func readCanonical(path: String, name: String, _ emit: (Order, [UInt8]?) throws -> Void) throws {
        var stream = try JSONObjectStream(path: path)
        while true {
            let element: JSONObjectStream.Element
            do {
                guard let next = try stream.next() else { break }
                element = next
            } catch let e as JSONSyntaxError {
                throw DocketError(e, file: name)
            }
            let value: JSONValue
            do { value = try JSONParser.parse(element.bytes, firstLine: element.line) } catch { throw DocketError(error, file: name) }
            let order: Order
            do {
                order = try CanonicalCodec.decode(value, path: stream.isList ? "$[\(element.index)]" : "$")
            } catch {
                throw error.with(file: name, line: element.line)
            }
            try emit(order, element.bytes)
        }
    }

    /// Copies what `handle` gives, to its end, into a temporary file only
    /// this user can read; returns its path.
    static func spool(_ handle: FileHandle, what: String) throws -> String {
        let path = NSTemporaryDirectory() + "docket-import-\(UUID().uuidString)"
        guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]),
              let out = FileHandle(forWritingAtPath: path) else {
            throw DocketError("could not keep \(what) in a temporary file", file: path)
        }
        defer { try? out.close() }
        while true {
            let chunk: Data
            do { chunk = try handle.read(upToCount: 1 << 20) ?? Data() } catch {
                throw DocketError("could not read \(what): \(error.localizedDescription)")
            }
            if chunk.isEmpty { break }
            out.write(chunk)
        }
        return path
    }

    /// Tells the format from the first order-shaped thing in the file.
    public func detect(path: String, name given: String? = nil) throws -> ImportFormat {
        let name = given ?? (path as NSString).lastPathComponent
        if path.lowercased().hasSuffix(".csv") { return .csv }
        if let head = FileHandle(forReadingAtPath: path).flatMap({ try? $0.read(upToCount: 4096) }),
           let first = head.first(where: { ![0x20, 0x09, 0x0A, 0x0D, 0xEF, 0xBB, 0xBF].contains($0) }),
           first != UInt8(ascii: "{"), first != UInt8(ascii: "["),
           String(decoding: head.prefix { $0 != 0x0A }, as: UTF8.self).contains("externalId") {
            return .csv
        }
        var stream = try JSONObjectStream(path: path, chunkSize: 64 << 10)
        let first: JSONObjectStream.Element?
        do { first = try stream.next() } catch let e as JSONSyntaxError {
            if e.message.hasPrefix("expected orders as JSON objects") {
                throw DocketError("Docket reads order files as JSON (Docket's own, or a Cropster, Centra, Mirakl, Omnia or Dropday request body) or CSV with an externalId column; \(e.message)", file: name, line: e.line, column: e.column)
            }
            throw DocketError(e, file: name)
        }
        guard let first else { throw DocketError("the list holds no orders", file: name) }
        let value: JSONValue
        do { value = try JSONParser.parse(first.bytes, firstLine: first.line) } catch { throw DocketError(error, file: name) }
        guard case .object(let o) = value else { throw DocketError("expected an order object", file: name, line: first.line) }
        if stream.isList {
            if o["external_id"] != nil { return .dropday }
            if o["externalId"] != nil { return .docket }
        } else {
            if case .array? = o["data"] { return .cropster }
            if case .array(let orders)? = o["orders"] {
                let firstOrder = orders.first?.objectValue
                if o["version"] != nil || firstOrder?["orderId"] != nil { return .omnia }
                if o["origin"] != nil || firstOrder?["channel_order_id"] != nil { return .mirakl }
            }
            if o["external_id"] != nil { return .dropday }
            if o["externalId"] != nil { return .docket }
            // `{"data": {…}}` looks like a Centra batch of one order named
            // "data", and like a Cropster body gone wrong: not guessed.
            if o["data"] != nil || o["orders"] != nil {
                throw DocketError("this looks like a request body, but its \"\(o["data"] != nil ? "data" : "orders")\" is not a list of orders; if it is a Centra batch, use --format centra", file: name)
            }
            if !o.isEmpty, o.allSatisfy({ $0.value.objectValue != nil }) { return .centra }
        }
        throw DocketError("cannot tell which format this is; name it with --format (docket, cropster, centra, mirakl, omnia or dropday)", file: name)
    }
}
