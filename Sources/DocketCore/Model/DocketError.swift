/// An error a support person can act on: what is wrong, and where.
///
/// Every place Docket can name is carried as its own field so that the
/// command line, the console and JSON output can each show it their way.
public struct DocketError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var file: String?
    public var line: Int?
    public var column: Int?
    /// Where in the JSON document, e.g. `$.data[3].orderItems[0].quantity`.
    public var jsonPath: String?
    /// The external id of the order concerned.
    public var order: String?
    /// The canonical field, e.g. `items[2].quantity`.
    public var field: String?

    public init(_ message: String, file: String? = nil, line: Int? = nil, column: Int? = nil,
                jsonPath: String? = nil, order: String? = nil, field: String? = nil) {
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        self.jsonPath = jsonPath
        self.order = order
        self.field = field
    }

    /// "orders.json, line 3, column 7, at $.data[2].orderItems[0].quantity (order A-1): expected a number"
    public var description: String {
        var place: [String] = []
        if let file { place.append(file) }
        if let line { place.append("line \(line)") }
        if let column { place.append("column \(column)") }
        if let jsonPath { place.append("at \(jsonPath)") }
        if let order { place.append("order \(order)") }
        if let field, jsonPath == nil { place.append("field \(field)") }
        return place.isEmpty ? message : place.joined(separator: ", ") + ": " + message
    }

    public func with(file: String? = nil, line: Int? = nil) -> DocketError {
        var copy = self
        if copy.file == nil { copy.file = file }
        if copy.line == nil { copy.line = line }
        return copy
    }
}

extension DocketError {
    public init(_ syntax: JSONSyntaxError, file: String? = nil) {
        self.init("this is not valid JSON: \(syntax.message)", file: file, line: syntax.line, column: syntax.column)
    }
}
