import Foundation

/// Orders from CSV, one row per item line with the order's fields repeated,
/// as `docket export --format csv` writes them (and a spreadsheet keeps
/// them). Columns are found by their header names.
struct CSVOrderReader {
    static let orderColumns = ["externalId", "status", "orderDate", "customer", "email", "currency", "total", "shippingCost", "source"]
    static let itemColumns = ["sku", "productId", "ean", "name", "quantity", "unitPrice"]
    /// Written by export for people to read; not order fields.
    static let ignoredColumns = ["importedFrom", "line", "lastOutcome", "lastTarget", "version", "items", "country", "updatedAt"]

    let path: String
    let name: String

    func read(_ emit: (Order, [UInt8]?) throws -> Void) throws {
        var reader = try CSVReader(path: path)
        do {
            guard let (header, _) = try reader.next() else { throw DocketError("the file is empty") }
            var index: [String: Int] = [:]
            for (i, column) in header.enumerated() {
                let c = column.trimmingCharacters(in: .whitespaces)
                guard Self.orderColumns.contains(c) || Self.itemColumns.contains(c) || Self.ignoredColumns.contains(c) else {
                    throw DocketError("unknown column \"\(c)\" (Docket reads \((Self.orderColumns + Self.itemColumns).joined(separator: ", ")))", line: 1)
                }
                guard index[c] == nil else { throw DocketError("the column \"\(c)\" appears twice", line: 1) }
                index[c] = i
            }
            guard index["externalId"] != nil else { throw DocketError("the header needs an externalId column", line: 1) }

            var current: Order?
            var seen: Set<String> = []
            while let (row, line) = try reader.next() {
                if row.count == 1 && row[0].isEmpty { continue }
                guard row.count == header.count else {
                    throw DocketError("this row has \(row.count) fields but the header has \(header.count)", line: line)
                }
                func value(_ column: String) -> String? {
                    guard let i = index[column] else { return nil }
                    let v = Self.unguarded(row[i])
                    return v.isEmpty ? nil : v
                }
                func number(_ column: String) throws -> Decimal? {
                    guard let v = value(column) else { return nil }
                    guard let d = DecimalText.parse(v), v.allSatisfy({ "0123456789.-+eE".contains($0) }) else {
                        throw DocketError("\(column) \"\(v)\" is not a number (write 14.11, with a point)", line: line, field: column)
                    }
                    return d
                }
                guard let id = value("externalId") else { throw DocketError("this row has no externalId", line: line) }
                if current?.externalId != id {
                    if let done = current { try emit(done, nil) }
                    guard seen.insert(id).inserted else {
                        throw DocketError("order \(id) appears again here, apart from its other rows; keep an order's rows together", line: line, order: id)
                    }
                    var o = Order(externalId: id)
                    if let s = value("status") {
                        guard let status = OrderStatus(rawValue: s.uppercased()) else {
                            throw DocketError("status \"\(s)\" is not one of OPEN, PROCESSING, CLOSED, CANCELLED", line: line, order: id, field: "status")
                        }
                        o.status = status
                    }
                    o.orderDate = value("orderDate")
                    if value("customer") != nil || value("email") != nil {
                        var c = Customer()
                        c.name = value("customer")
                        c.email = value("email")
                        o.customer = c
                    }
                    o.currency = value("currency")
                    o.total = try number("total")
                    o.shippingCost = try number("shippingCost")
                    o.source = value("source")
                    current = o
                }
                var item = OrderItem()
                item.sku = value("sku")
                item.productId = value("productId")
                item.ean = value("ean").map { .text($0) }
                item.name = value("name")
                item.quantity = try number("quantity")
                item.unitPrice = try number("unitPrice")
                if item != OrderItem() { current?.items.append(item) }
            }
            if let done = current { try emit(done, nil) }
        } catch let e as DocketError {
            throw e.with(file: name)
        }
    }

    /// Export puts a quote before text a spreadsheet would run as a formula.
    static func unguarded(_ s: String) -> String {
        if s.hasPrefix("'"), let second = s.dropFirst().first, "=+-@".contains(second) { return String(s.dropFirst()) }
        return s
    }
}
