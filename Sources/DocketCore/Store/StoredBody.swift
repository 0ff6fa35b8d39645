import CZlib

/// A request or response body as both stores keep it: compressed, since
/// the audit trail is the part of a store that grows fastest (a body of
/// many orders of one shape shrinks several times over). The first byte
/// says how the rest is held, so a body stored before compression (or one
/// that does not shrink) reads back as it was.
public enum StoredBody {
    /// The rest is the body as it was.
    static let plain: UInt8 = 0
    /// The rest is a zlib stream of the body.
    static let deflated: UInt8 = 1

    public static func encode(_ body: [UInt8]) -> [UInt8] {
        guard body.count > 64, let packed = deflate(body), packed.count < body.count else { return [plain] + body }
        return [deflated] + packed
    }

    /// The body back; bytes that are neither form (a damaged store) come
    /// back as they are, with a line saying so, rather than failing the
    /// screen that shows them.
    public static func decode(_ stored: [UInt8]) -> [UInt8] {
        guard let tag = stored.first else { return [] }
        switch tag {
        case plain: return Array(stored.dropFirst())
        case deflated:
            if let body = inflate(Array(stored.dropFirst())) { return body }
            return Array("(this body is damaged in the store and cannot be read)".utf8)
        default: return stored
        }
    }

    static func deflate(_ input: [UInt8]) -> [UInt8]? {
        var bound = compressBound(uLong(input.count))
        var out = [UInt8](repeating: 0, count: Int(bound))
        let status = input.withUnsafeBufferPointer { source in
            out.withUnsafeMutableBufferPointer { target in
                compress2(target.baseAddress, &bound, source.baseAddress, uLong(source.count), 6)
            }
        }
        guard status == Z_OK else { return nil }
        out.removeSubrange(Int(bound)...)
        return out
    }

    static func inflate(_ input: [UInt8]) -> [UInt8]? {
        var stream = z_stream()
        guard inflateInit_(&stream, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return nil }
        defer { inflateEnd(&stream) }
        var out: [UInt8] = []
        out.reserveCapacity(input.count * 4)
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var status: Int32 = Z_OK
        var input = input
        input.withUnsafeMutableBufferPointer { source in
            stream.next_in = source.baseAddress
            stream.avail_in = uInt(source.count)
            repeat {
                let produced = chunk.withUnsafeMutableBufferPointer { target -> Int in
                    stream.next_out = target.baseAddress
                    stream.avail_out = uInt(target.count)
                    status = CZlib.inflate(&stream, Z_NO_FLUSH)
                    return target.count - Int(stream.avail_out)
                }
                out.append(contentsOf: chunk[..<produced])
            } while status == Z_OK
        }
        return status == Z_STREAM_END ? out : nil
    }
}
